package portal

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

func TestReplaceReport(t *testing.T) {
	p := New(Options{Sites: []string{"yanshi"}})
	p.Start()
	defer p.Close()
	before := map[string]ExpectedReport{}
	for _, e := range p.Expected("yanshi") {
		before[e.ID] = e
	}
	for _, id := range []string{"gxj-2024", "gxj-2022"} { // an HTML report and a DOCX+XLS report
		old := before[id]
		oldTag := get(t, p, old.DetailURL).header.Get("ETag")
		if err := p.ReplaceReport(id); err != nil {
			t.Fatal(err)
		}
		now := findExpected(t, p, "yanshi", id)
		if now.DetailURL != old.DetailURL || now.Version != 1 {
			t.Errorf("%s: URL or version wrong after replace: %s v%d", id, now.DetailURL, now.Version)
		}
		changed := now.Pages[0].SHA256 != old.Pages[0].SHA256
		for i := range now.Attachments {
			if now.Attachments[i].URL != old.Attachments[i].URL {
				t.Errorf("%s: attachment URL moved", id)
			}
			changed = changed || now.Attachments[i].SHA256 != old.Attachments[i].SHA256
		}
		if !changed {
			t.Errorf("%s: nothing changed", id)
		}
		f := get(t, p, now.DetailURL)
		if hexsha(f.body) != now.Pages[0].SHA256 {
			t.Errorf("%s: served page is not the new expected one", id)
		}
		if now.Pages[0].SHA256 != old.Pages[0].SHA256 && f.header.Get("ETag") == oldTag {
			t.Errorf("%s: ETag unchanged after the page changed", id)
		}
		if now.Pages[0].SHA256 != old.Pages[0].SHA256 {
			if g := get(t, p, now.DetailURL, "If-None-Match", oldTag); g.status != 200 {
				t.Errorf("%s: old ETag still answers %d", id, g.status)
			}
		}
		for i, a := range now.Attachments {
			if a.SHA256 != old.Attachments[i].SHA256 {
				if g := get(t, p, a.URL, "Referer", now.DetailURL, "If-None-Match", `"`+old.Attachments[i].SHA256[:16]+`"`); g.status != 200 || hexsha(g.body) != a.SHA256 {
					t.Errorf("%s: changed attachment answers %d to the old validator", id, g.status)
				}
			}
		}
		if now.Data != nil {
			if err := now.Data.Check(); err != nil {
				t.Errorf("%s: replaced numbers inconsistent: %v", id, err)
			}
		}
	}
	// Everything else is untouched.
	for _, e := range p.Expected("yanshi") {
		if e.ID == "gxj-2024" || e.ID == "gxj-2022" {
			continue
		}
		if e.Pages[0].SHA256 != before[e.ID].Pages[0].SHA256 {
			t.Errorf("%s changed although not replaced", e.ID)
		}
	}
	if err := p.ReplaceReport("nope"); err == nil {
		t.Error("unknown id accepted")
	}
}

func TestAddReport(t *testing.T) {
	p := New(Options{Sites: []string{"yanshi", "henan"}})
	p.Start()
	defer p.Close()
	list := "http://www.yanshi.gov.cn/zwgk/ndbg/"
	oldList := get(t, p, list)
	before := len(p.Expected("yanshi"))
	e, err := p.AddReport("yanshi", NewReport{Title: "洛阳市偃师区人民政府2025年政府信息公开工作年度报告", Year: 2025, Published: "2026-03-20"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Body != "洛阳市偃师区人民政府" || e.Year != 2025 {
		t.Errorf("added: %+v", e)
	}
	newList := get(t, p, list)
	if bytes.Equal(oldList.body, newList.body) || !bytes.Contains(newList.body, []byte(e.Title)) {
		t.Error("list page does not show the added report")
	}
	if newList.header.Get("Last-Modified") == oldList.header.Get("Last-Modified") {
		t.Error("list Last-Modified did not move")
	}
	if f := get(t, p, e.DetailURL); f.status != 200 || hexsha(f.body) != e.Pages[0].SHA256 {
		t.Errorf("added detail: %d", f.status)
	}
	if n := len(p.Expected("yanshi")); n != before+1 {
		t.Errorf("expected count %d after add", n)
	}
	if _, err := p.AddReport("henan", NewReport{Title: "x2025年", Year: 2025, Published: "2026-01-01"}); err == nil {
		t.Error("henan has no addable column but accepted a report")
	}
	if _, err := p.AddReport("yanshi", NewReport{Title: "bad"}); err == nil {
		t.Error("incomplete report accepted")
	}
}

func TestStats(t *testing.T) {
	p := New(Options{Sites: []string{"henan"}})
	p.Start()
	defer p.Close()
	u := "https://www.henan.gov.cn/zwgk/zfxxgknb/"
	f1 := get(t, p, u)
	get(t, p, u, "If-None-Match", f1.header.Get("ETag"))
	get(t, p, "http://www.henan.gov.cn/zwgk/zfxxgknb/")
	s := p.Stats()
	us := s.Get(u)
	if us.Requests != 2 || us.OK != 1 || us.NotModified != 1 || us.Bytes != int64(len(f1.body)) {
		t.Errorf("per-URL stats %+v (body %d)", us, len(f1.body))
	}
	if s.Requests != 3 || s.Bytes < int64(len(f1.body)) {
		t.Errorf("totals %+v", s)
	}
	if s.Get("http://www.henan.gov.cn/zwgk/zfxxgknb/").Requests != 1 {
		t.Error("redirect not counted")
	}
	p.ResetStats()
	if s := p.Stats(); s.Requests != 0 || len(s.ByURL) != 0 {
		t.Errorf("after reset: %+v", s)
	}
}

// The per-report files are real documents in their containers, distinct
// per report and version, and stable.
func TestFileVariants(t *testing.T) {
	a, b := pdfVariant("report-lo-wqy.pdf", "x", 0), pdfVariant("report-lo-wqy.pdf", "y", 0)
	if bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Contains(a, []byte("%%EOF\n% nianbao-portal x v0\n")) {
		t.Error("pdf variants")
	}
	d1, d2 := docVariant("x", 0), docVariant("x", 1)
	if bytes.Equal(d1, d2) {
		t.Error("doc versions equal")
	}
	r, err := mscfb.New(bytes.NewReader(d2))
	if err != nil {
		t.Fatalf("doc variant unreadable: %v", err)
	}
	found := false
	for e, err := r.Next(); err == nil; e, err = r.Next() {
		found = found || e.Name == "WordDocument"
	}
	if !found {
		t.Error("doc variant lost WordDocument")
	}
	x := docxVariant("某单位2023年政府信息公开工作年度报告", "x", 2)
	if !bytes.Equal(x, docxVariant("某单位2023年政府信息公开工作年度报告", "x", 2)) {
		t.Error("docx not stable")
	}
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatalf("docx variant: %v", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v (CRC?)", f.Name, err)
		}
		if f.Name == "docProps/core.xml" && !strings.Contains(string(body), "<dc:title>某单位2023年政府信息公开工作年度报告</dc:title>") {
			t.Errorf("core.xml: %s", body)
		}
	}
	d := genData("x", 0, "2021")
	xl := statsSheet("t", d, "x", 0)
	f, err := excelize.OpenReader(bytes.NewReader(xl))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Sheet1", "A2"); v != reqLabels["new"] {
		t.Errorf("A2 = %q", v)
	}
}

func TestNumbersConsistent(t *testing.T) {
	distinct := map[[7]int]bool{}
	for i := 0; i < 300; i++ {
		for _, f := range []string{"2021", "2019"} {
			d := genData("id"+string(rune('a'+i%26))+f, i, f)
			if err := d.Check(); err != nil {
				t.Fatalf("%s #%d: %v", f, i, err)
			}
			distinct[d.Requests["new"]] = true
			if f == "2019" && len(d.Requests) != 23 || f == "2021" && len(d.Requests) != 25 {
				t.Fatalf("%s: %d rows", f, len(d.Requests))
			}
		}
	}
	if len(distinct) < 200 {
		t.Errorf("only %d distinct rows over 600 reports", len(distinct))
	}
	d := genData("x", 0, "2021")
	row := d.Requests["granted"]
	row[0]++
	d.Requests["granted"] = row
	if d.Check() == nil {
		t.Error("Check accepted a broken table")
	}
}

// Mutations while requests are in flight: no race, every response is
// either the old or the new bytes.
func TestConcurrentMutation(t *testing.T) {
	p := New(Options{Sites: []string{"yanshi"}})
	p.Start()
	defer p.Close()
	e := findExpected(t, p, "yanshi", "ys-2024")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 5; i++ {
			if err := p.ReplaceReport("ys-2024"); err != nil {
				t.Error(err)
			}
		}
	}()
	for i := 0; i < 20; i++ {
		if f := get(t, p, e.DetailURL); f.status != 200 {
			t.Fatalf("status %d during mutation", f.status)
		}
	}
	<-done
	if v := findExpected(t, p, "yanshi", "ys-2024").Version; v != 5 {
		t.Errorf("version %d", v)
	}
}
