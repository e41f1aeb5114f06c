package parse

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/parse/report"
)

// A report split over two pages (TRS multi-page articles), each page in
// its own chrome, parses to the same tables as the whole page.
func TestParsePartsJoinsPages(t *testing.T) {
	whole, err := os.ReadFile("../testdata/reports/html-2021-chrome.html")
	if err != nil {
		t.Fatal(err)
	}
	s := string(whole)
	cut := strings.Index(s, "<p>三、收到和处理政府信息公开申请情况</p>")
	open := strings.Index(s, `<div class="TRS_Editor"`)
	openEnd := open + strings.Index(s[open:], ">") + 1
	closeDiv := strings.Index(s[cut:], `<div class="footer"`)
	if cut < 0 || open < 0 || closeDiv < 0 {
		t.Fatal("fixture layout changed")
	}
	// Page 1: chrome + body up to 三; page 2: the same chrome + the rest.
	page1 := s[:cut] + "</div>" + s[cut+closeDiv:]
	page2 := s[:openEnd] + s[cut:]
	meta := report.Meta{Title: "某局2021年政府信息公开工作年度报告"}
	want, err := Parse(context.Background(), whole, meta, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseParts(context.Background(), [][]byte{[]byte(page1), []byte(page2)}, meta, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]any{
		"active":            {want.Active, got.Active},
		"requests":          {want.Requests, got.Requests},
		"review_litigation": {want.ReviewLitigation, got.ReviewLitigation},
		"checks":            {want.Checks, got.Checks},
	} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if !bytes.Equal(a, b) || string(a) == "null" {
			t.Errorf("%s differs:\nwhole %s\nparts %s", name, a, b)
		}
	}
	if Status(got) != StatusOK {
		t.Errorf("status = %s, warnings %v", Status(got), got.Warnings)
	}
	// Either page alone is not the whole report.
	alone, _ := Parse(context.Background(), []byte(page2), meta, Options{})
	if Status(alone) == StatusOK {
		t.Error("page 2 alone parsed as a whole report: the test proves nothing")
	}
}
