package ingest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/report"
)

func TestResolveRegion(t *testing.T) {
	tests := []struct {
		name     string
		d        archive.Document
		overview string
		code     string
		path     []string
		level    string
		warn     string // prefix of a warning that must be there
	}{
		{"site and body", archive.Document{HintRegion: "河南省洛阳市", Body: "偃师区工业和信息化局"}, "",
			"410307", []string{"河南省", "洛阳市", "偃师区"}, "county", ""},
		{"renamed county from the title", archive.Document{Title: "偃师市财政局2019年政府信息公开工作年度报告"}, "",
			"410307", []string{"河南省", "洛阳市", "偃师区"}, "county", ""},
		{"from the overview", archive.Document{Body: "财政局"}, "2023年，洛阳市孟津区财政局认真贯彻……",
			"410308", []string{"河南省", "洛阳市", "孟津区"}, "county", ""},
		{"unresolved", archive.Document{Body: "国家税务总局"}, "", "", nil, "", "region_unresolved: "},
		{"ambiguous", archive.Document{Body: "新华区教育局"}, "", "", nil, "", "region_ambiguous: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			d.Warnings = []string{"table_missing: kept", "region_unresolved: an earlier resolution's"}
			ResolveRegion(&d, tc.overview)
			if d.RegionCode != tc.code || !reflect.DeepEqual(d.RegionPath, tc.path) || d.RegionLevel != tc.level {
				t.Errorf("got %q %v %q; want %q %v %q (warnings %v)", d.RegionCode, d.RegionPath, d.RegionLevel, tc.code, tc.path, tc.level, d.Warnings)
			}
			if d.Warnings[0] != "table_missing: kept" {
				t.Errorf("a parse warning was lost: %v", d.Warnings)
			}
			n := 0
			for _, w := range d.Warnings {
				if strings.HasPrefix(w, "region_") {
					n++
					if tc.warn == "" || !strings.HasPrefix(w, tc.warn) {
						t.Errorf("warning %q", w)
					}
				}
			}
			if tc.warn != "" && n != 1 {
				t.Errorf("want one %s warning: %v", tc.warn, d.Warnings)
			}
		})
	}
}

func TestStoredOverview(t *testing.T) {
	b, _ := json.Marshal(report.Report{Sections: report.Sections{Overview: strings.Repeat("偃", 2000)}})
	d := &archive.Document{Parsed: b}
	got := StoredOverview(d)
	if len(got) > overviewBytes || !strings.HasPrefix(got, "偃偃") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("overview of %d bytes: %q…", len(got), got[:min(len(got), 12)])
	}
	if StoredOverview(&archive.Document{}) != "" || StoredOverview(&archive.Document{Parsed: []byte("{bad")}) != "" {
		t.Error("an overview out of nothing")
	}
}
