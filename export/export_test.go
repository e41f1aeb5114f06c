package export_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"path"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
	"github.com/xuri/excelize/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

type fixture struct {
	a      *archive.Archive
	refs   []query.Ref
	parsed int // documents with a parse
	files  int
}

var long = strings.Repeat("偃师区工业和信息化局关于政府信息公开的", 16) // 304 characters

func newFixture(t *testing.T) *fixture {
	t.Helper()
	a := querytest.Open(t)
	base := "http://www.yanshi.gov.cn/zwgk/"
	rep := func(body string, year int, extra bool) []byte {
		return querytest.Report{Body: body, Region: "河南省洛阳市偃师区", Year: year, Seed: year, Extra: extra, NullNew: true, FailedChecks: 1,
			Sections: querytest.Sections{Overview: "2023年，我局……", Problems: "存在问题", Other: "未收取费用"}}.JSON()
	}
	docs := []querytest.Doc{
		{Site: "yanshi", URL: base + "1.html", Title: "偃师区工业和信息化局2023年政府信息公开工作年度报告", Body: "偃师区工业和信息化局",
			Region: "河南省洛阳市偃师区", Year: 2023, Format: "2021", ParseStatus: "ok", FailedChecks: 1, PublishedAt: "2024-01-15",
			Files: []querytest.File{
				{URL: base + "1.html", Role: "page", Data: querytest.HTML("偃师区工业和信息化局2023年政府信息公开工作年度报告"),
					Headers: map[string]string{"Content-Type": "text/html; charset=utf-8", "Server": "nginx", "ETag": `"abc"`}},
				{URL: base + "att/1.pdf", FinalURL: "http://cdn.yanshi.gov.cn/1.pdf", Filename: "年报.pdf", Data: querytest.PDF("1"), Referer: base + "1.html",
					Headers: map[string]string{"Content-Type": "application/pdf", "Content-Length": "99999",
						"Content-Disposition": "attachment; filename=\"\xc4\xea\xb1\xa8.pdf\"", "Last-Modified": "Mon, 15 Jan 2024 08:00:00 GMT"}},
			},
			Parsed: rep("偃师区工业和信息化局", 2023, true)},
		// Hostile names.
		{Site: "yanshi", URL: base + "2.html", Title: "../../etc/passwd.pdf", Body: "CON", Year: 2022, Format: "2021", ParseStatus: "ok",
			Files: []querytest.File{{URL: base + "2.pdf", Data: querytest.PDF("2")}}, Parsed: rep("CON", 2022, false)},
		{Site: "yanshi", URL: base + "3.html", Title: long, Body: "NUL", Year: 2022, ParseStatus: "",
			Files: []querytest.File{{URL: base + "3a.pdf", Filename: "a.pdf", Data: querytest.PDF("3a")},
				{URL: base + "3b.pdf", Filename: "b.pdf", Data: querytest.PDF("3b")}}},
		// Duplicate titles in one folder.
		{Site: "yanshi", URL: base + "4.html", Title: "年度报告", Body: "偃师区财政局", Year: 2021, Format: "2019", ParseStatus: "partial",
			Files: []querytest.File{{URL: base + "4.pdf", Data: querytest.PDF("4")}}, Parsed: querytest.Report{Body: "偃师区财政局", Year: 2021, Format: "2019"}.JSON()},
		{Site: "yanshi", URL: base + "5.html", Title: "年度报告", Body: "偃师区财政局", Year: 2021, ParseStatus: "",
			Files: []querytest.File{{URL: base + "5.pdf", Data: querytest.PDF("5")}}},
		// Formula injection in a title; COM1 as a title.
		{Site: "yanshi", URL: base + "6.html", Title: "=HYPERLINK(\"http://evil\")", Body: "COM1", Year: 2020,
			Files: []querytest.File{{URL: base + "6.pdf", Data: querytest.PDF("6")}}},
		// An imported file: no HTTP exchange.
		{Source: "import", URL: "file:///import/report.pdf", Title: "导入的报告", Body: "孟津区住建局", Year: 2023,
			Files: []querytest.File{{URL: "file:///import/report.pdf", Data: querytest.PDF("import"), Headers: map[string]string{}}}},
	}
	querytest.Add(t, a, docs...)
	fx := &fixture{a: a}
	for _, d := range docs {
		if d.Parsed != nil {
			fx.parsed++
		}
		fx.files += len(d.Files)
	}
	var err error
	fx.refs, err = query.Select(context.Background(), a, query.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

func run(t *testing.T, fx *fixture, format string) ([]byte, export.Stats) {
	t.Helper()
	var buf bytes.Buffer
	calls := 0
	st, err := export.Export(context.Background(), fx.a, fx.refs, &buf, export.Options{Format: format, Query: "--year 2020-2023",
		Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), TmpDir: t.TempDir(), Progress: func(done, total int) {
			calls++
			if done != calls || total != len(fx.refs) {
				t.Errorf("progress %d/%d at call %d", done, total, calls)
			}
		}})
	if err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	if st.Reports != len(fx.refs) || calls != len(fx.refs) {
		t.Errorf("%s: %d reports, %d progress calls, want %d", format, st.Reports, calls, len(fx.refs))
	}
	return buf.Bytes(), st
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV without UTF-8 BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// expectedTidy recomputes data.csv from the archive, independently of the
// writer's loop.
func expectedTidy(t *testing.T, fx *fixture) [][]string {
	var out [][]string
	query.Each(context.Background(), fx.a, fx.refs, func(_ int, d *archive.Document) error {
		rep, err := query.DecodeReport(d.Parsed)
		if err != nil || rep == nil {
			return nil
		}
		cells, _ := rep.Cells()
		for _, c := range cells {
			y := ""
			if d.Year != 0 {
				y = strconv.Itoa(d.Year)
			}
			out = append(out, []string{d.ID, d.Body, d.Region, d.RegionCode, strings.Join(d.RegionPath, " › "), y, d.Format, c.Table, c.TableLabel, c.RowKey, c.RowLabel, c.ColKey, c.ColLabel, c.Value()})
		}
		return nil
	})
	return out
}

func checkTidy(t *testing.T, fx *fixture, rows [][]string) {
	t.Helper()
	if !reflect.DeepEqual(rows[0], export.TidyHeader) {
		t.Fatalf("data.csv header %v", rows[0])
	}
	want := expectedTidy(t, fx)
	if len(rows)-1 != len(want) {
		t.Fatalf("data.csv has %d rows, want %d", len(rows)-1, len(want))
	}
	nulls := 0
	for i, w := range want {
		if !reflect.DeepEqual(rows[i+1], w) {
			t.Errorf("data.csv row %d = %v, want %v", i+1, rows[i+1], w)
			break
		}
		if w[9] == "new" && w[11] == "natural_person" && w[13] == "" {
			nulls++
		}
	}
	if nulls == 0 {
		t.Error("the null cell (new × natural_person) did not come out empty")
	}
}

func TestExportZipBundle(t *testing.T) {
	fx := newFixture(t)
	out, st := run(t, fx, export.FormatZip)
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string][]byte{}
	lower := map[string]bool{}
	for _, f := range zr.File {
		checkSafePath(t, f.Name)
		if lower[strings.ToLower(f.Name)] {
			t.Errorf("duplicate entry %q", f.Name)
		}
		lower[strings.ToLower(f.Name)] = true
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		entries[f.Name] = b
	}
	for _, n := range []string{"README.txt", "manifest.csv", "manifest.xlsx", "data.csv", "data.xlsx"} {
		if _, ok := entries[n]; !ok {
			t.Errorf("bundle lacks %s", n)
		}
	}
	if st.Files != fx.files {
		t.Errorf("stats: %d files, want %d", st.Files, fx.files)
	}

	// manifest.csv: one row per file; the copy's hash matches the archive.
	man := readCSV(t, entries["manifest.csv"])
	if !reflect.DeepEqual(man[0], export.ManifestHeader) {
		t.Fatalf("manifest header %v", man[0])
	}
	if len(man)-1 != fx.files {
		t.Fatalf("manifest has %d rows, want %d", len(man)-1, fx.files)
	}
	col := map[string]int{}
	for i, h := range man[0] {
		col[h] = i
	}
	for _, row := range man[1:] {
		p, sum := row[col["file"]], row[col["sha256"]]
		b, ok := entries[p]
		if !ok {
			t.Errorf("manifest names %q, not in the bundle", p)
			continue
		}
		if sha(b) != sum {
			t.Errorf("%s: content hash %s, manifest %s", p, sha(b), sum)
		}
		orig, err := fx.a.ReadBlob(sum)
		if err != nil || !bytes.Equal(orig, b) {
			t.Errorf("%s: differs from the archived blob (%v)", p, err)
		}
		if _, err := time.Parse(time.RFC3339, row[col["retrieved_at_utc"]]); err != nil {
			t.Errorf("%s: retrieved_at_utc %q", p, row[col["retrieved_at_utc"]])
		}
		cite := row[col["citation"]]
		if !strings.Contains(cite, "[EB/OL]") || !strings.Contains(cite, sum) || !strings.Contains(cite, "2024-02-01") {
			t.Errorf("citation %q", cite)
		}
		if strings.HasPrefix(row[col["title"]], "=") {
			t.Errorf("formula not defused: %q", row[col["title"]])
		}
	}
	// The redirected file records its final URL.
	found := false
	for _, row := range man[1:] {
		if row[col["source_url"]] == "http://www.yanshi.gov.cn/zwgk/att/1.pdf" {
			found = row[col["final_url"]] == "http://cdn.yanshi.gov.cn/1.pdf" && row[col["published_at"]] == "2024-01-15"
		}
	}
	if !found {
		t.Error("final URL / published date not in the manifest")
	}
	// The hostile and long titles became safe names; duplicates got numbers.
	names := strings.Join(keys(entries), "\n")
	for _, want := range []string{"2022/_CON/_.._etc_passwd.pdf", "2021/偃师区财政局/年度报告.pdf", "2021/偃师区财政局/年度报告 (2).pdf", "2020/_COM1/"} {
		if !strings.Contains(names, want) {
			t.Errorf("no entry %q in\n%s", want, names)
		}
	}

	checkTidy(t, fx, readCSV(t, entries["data.csv"]))
	checkDataXLSX(t, fx, entries["data.xlsx"])

	mx, err := excelize.OpenReader(bytes.NewReader(entries["manifest.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	mrows, err := mx.GetRows("manifest")
	if err != nil || len(mrows) != fx.files+2 {
		t.Errorf("manifest.xlsx: %d rows (%v), want %d", len(mrows), err, fx.files+2)
	} else if !reflect.DeepEqual(mrows[1], export.ManifestHeader) || mrows[0][1] != "发布机关" {
		t.Errorf("manifest.xlsx headers %v / %v", mrows[0], mrows[1])
	}

	texts := 0
	for n, b := range entries {
		if strings.HasPrefix(n, "text/") {
			texts++
			if !strings.Contains(string(b), "三、收到和处理政府信息公开申请情况") {
				t.Errorf("%s lacks the tables", n)
			}
		}
	}
	if texts != fx.parsed {
		t.Errorf("%d text files, want %d", texts, fx.parsed)
	}
	readme := string(entries["README.txt"])
	for _, want := range []string{"--year 2020-2023", "manifest.csv", "retrieved_at_utc", "data.csv", "UTF-8"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func checkDataXLSX(t *testing.T, fx *fixture, b []byte) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	want := append([]string{"reports"}, query.Tables...)
	if got := x.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, _ := x.GetRows("reports")
	if len(rows) != len(fx.refs)+2 {
		t.Errorf("reports sheet: %d rows, want %d", len(rows), len(fx.refs)+2)
	}
	for _, tb := range query.Tables {
		rows, err := x.GetRows(tb)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != fx.parsed+2 {
			t.Errorf("%s sheet: %d rows, want %d", tb, len(rows), fx.parsed+2)
			continue
		}
		cols := query.WideColumns(tb)
		if len(rows[1]) != 7+len(cols) || rows[1][7] != cols[0].Key {
			t.Errorf("%s: header keys %v", tb, rows[1][:8])
		}
	}
	// One value, checked against the stored JSON: 一、本年新收 总计 of the
	// first parsed report in the requests sheet.
	rows, _ = x.GetRows(query.TableRequests)
	id := rows[2][0]
	d, err := fx.a.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Requests map[string][]*float64 `json:"requests"`
	}
	json.Unmarshal(d.Parsed, &parsed)
	idx := -1
	for i, k := range rows[1] {
		if k == "new.total" {
			idx = i
		}
	}
	if idx < 0 || rows[2][idx] != query.FormatNum(*parsed.Requests["new"][6]) {
		t.Errorf("requests new.total = %q, want %v", rows[2][idx], *parsed.Requests["new"][6])
	}
	// Every new.natural_person cell matches the stored JSON; null is
	// empty, not 0.
	nulls := 0
	for i, k := range rows[1] {
		if k != "new.natural_person" {
			continue
		}
		for _, row := range rows[2:] {
			d, _ := fx.a.Document(row[0])
			var p struct {
				Requests map[string][]*float64 `json:"requests"`
			}
			json.Unmarshal(d.Parsed, &p)
			want := ""
			if v := p.Requests["new"][0]; v != nil {
				want = query.FormatNum(*v)
			} else {
				nulls++
			}
			got := ""
			if i < len(row) {
				got = row[i]
			}
			if got != want {
				t.Errorf("report %s new.natural_person = %q, want %q", row[0], got, want)
			}
		}
	}
	if nulls == 0 {
		t.Error("fixture has no null cell to check")
	}
}

func checkSafePath(t *testing.T, p string) {
	t.Helper()
	if strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || path.Clean(p) != p || strings.HasPrefix(p, "..") {
		t.Errorf("unsafe entry %q", p)
	}
	for _, c := range strings.Split(p, "/") {
		if c == "" || c == "." || c == ".." || strings.HasSuffix(c, ".") || strings.HasSuffix(c, " ") || strings.ContainsAny(c, `:*?"<>|`) {
			t.Errorf("unsafe component %q in %q", c, p)
		}
		stem := strings.ToUpper(strings.SplitN(c, ".", 2)[0])
		switch stem {
		case "CON", "PRN", "AUX", "NUL", "COM1", "LPT1":
			t.Errorf("reserved name %q in %q", c, p)
		}
		if len([]rune(c)) > 80 {
			t.Errorf("component of %d characters in %q", len([]rune(c)), p)
		}
	}
}

func TestExportCSV(t *testing.T) {
	fx := newFixture(t)
	out, st := run(t, fx, export.FormatCSV)
	rows := readCSV(t, out)
	checkTidy(t, fx, rows)
	if st.Rows != len(rows)-1 {
		t.Errorf("stats rows %d, csv rows %d", st.Rows, len(rows)-1)
	}
}

func TestExportXLSX(t *testing.T) {
	fx := newFixture(t)
	out, _ := run(t, fx, export.FormatXLSX)
	checkDataXLSX(t, fx, out)
}

func TestExportJSONL(t *testing.T) {
	fx := newFixture(t)
	out, _ := run(t, fx, export.FormatJSONL)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	i := 0
	for sc.Scan() {
		var line struct {
			query.Record
			Parsed json.RawMessage `json:"parsed"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		d, _ := fx.a.Document(fx.refs[i].ID)
		if line.ID != d.ID || len(line.Files) != len(d.Files) {
			t.Errorf("line %d: %+v", i, line.Record)
		}
		if d.Parsed == nil {
			if string(line.Parsed) != "null" {
				t.Errorf("line %d: parsed %s, want null", i, line.Parsed)
			}
		} else {
			var a, b any
			json.Unmarshal(line.Parsed, &a)
			json.Unmarshal(d.Parsed, &b)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("line %d: parsed differs from the archive", i)
			}
		}
		i++
	}
	if i != len(fx.refs) {
		t.Errorf("%d lines, want %d", i, len(fx.refs))
	}
}

func TestExportWARC(t *testing.T) {
	fx := newFixture(t)
	out, st := run(t, fx, export.FormatWARC)
	want := map[uint64]archive.Capture{}
	fx.a.ForEachCapture(func(c *archive.Capture) error { want[c.ID] = *c; return nil })
	if st.Captures != len(want) {
		t.Errorf("stats: %d captures, want %d", st.Captures, len(want))
	}
	r, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(out), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	counts := map[gowarc.RecordType]int{}
	responses := map[string]bool{}
	var concurrent []string
	var infoID string
	matched := map[string]int{} // target+sha → count
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatalf("read record: %v", err)
		}
		wr := rec.WarcRecord
		if len(rec.Validation) > 0 {
			t.Errorf("%s record: validation %v", wr.Type(), rec.Validation)
		}
		if wr.Version().String() != "WARC/1.1" {
			t.Errorf("version %s", wr.Version())
		}
		counts[wr.Type()]++
		h := wr.WarcHeader()
		switch wr.Type() {
		case gowarc.Warcinfo:
			infoID = h.GetId(gowarc.WarcRecordID)
		case gowarc.Request:
			concurrent = append(concurrent, h.GetId(gowarc.WarcConcurrentTo))
			if h.GetId(gowarc.WarcWarcinfoID) != infoID {
				t.Error("request without warcinfo id")
			}
		case gowarc.Response:
			responses[h.GetId(gowarc.WarcRecordID)] = true
			blk, ok := wr.Block().(gowarc.HttpResponseBlock)
			if !ok {
				t.Fatalf("response block is %T", wr.Block())
			}
			pr, err := blk.PayloadBytes()
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(pr)
			sum := sha(body)
			if h.Get(gowarc.WarcPayloadDigest) != "sha256:"+sum {
				t.Errorf("payload digest %s, content %s", h.Get(gowarc.WarcPayloadDigest), sum)
			}
			if blk.HttpStatusCode() != 200 {
				t.Errorf("status %d", blk.HttpStatusCode())
			}
			if cl := blk.HttpHeader().Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", cl, len(body))
			}
			matched[h.Get(gowarc.WarcTargetURI)+" "+sum]++
			if strings.HasSuffix(h.Get(gowarc.WarcTargetURI), "1.pdf") {
				hh := blk.HttpHeader()
				if hh.Get("Last-Modified") != "Mon, 15 Jan 2024 08:00:00 GMT" || hh.Get("X-Archive-Orig-Content-Length") != "99999" {
					t.Errorf("original headers not kept: %v", hh)
				}
				// Content-Disposition is written byte for byte as the
				// archive holds it (raw block bytes; header parsers may
				// re-encode); the archive keeps raw GBK bytes exactly
				// (archive/headers.go).
				raw, _ := wr.Block().RawBytes()
				rb, _ := io.ReadAll(raw)
				cs, _ := fx.a.Captures("http://www.yanshi.gov.cn/zwgk/att/1.pdf")
				if len(cs) != 1 || !bytes.Contains(rb, []byte("\r\nContent-Disposition: "+cs[0].Headers["Content-Disposition"]+"\r\n")) {
					t.Errorf("Content-Disposition not kept:\n%q", rb)
				}
			}
		case gowarc.Resource:
			br, _ := wr.Block().RawBytes()
			body, _ := io.ReadAll(br)
			matched[h.Get(gowarc.WarcTargetURI)+" "+sha(body)]++
		}
		rec.Close()
	}
	http, imported := 0, 0
	for _, c := range want {
		target := c.FinalURL
		if target == "" {
			target = c.URL
		}
		if matched[target+" "+c.SHA256] != 1 {
			t.Errorf("capture %d (%s %s) written %d times", c.ID, target, c.SHA256, matched[target+" "+c.SHA256])
		}
		if c.Status == 0 {
			imported++
		} else {
			http++
		}
		blob, _ := fx.a.ReadBlob(c.SHA256)
		if sha(blob) != c.SHA256 {
			t.Errorf("archive blob %s", c.SHA256)
		}
	}
	if counts[gowarc.Warcinfo] != 1 || counts[gowarc.Response] != http || counts[gowarc.Request] != http || counts[gowarc.Resource] != imported {
		t.Errorf("record counts %v; want %d request/response, %d resource", counts, http, imported)
	}
	for _, id := range concurrent {
		if !responses[id] {
			t.Errorf("request concurrent to %s: no such response", id)
		}
	}
}

func TestExportErrors(t *testing.T) {
	fx := newFixture(t)
	if _, err := export.Export(context.Background(), fx.a, fx.refs, io.Discard, export.Options{Format: "pdf"}); err == nil {
		t.Error("unknown format: no error")
	}
	for _, p := range []string{"out.zip", "OUT.ZIP", "a/b.csv", "x.xlsx", "x.jsonl", "x.warc.gz"} {
		if _, err := export.FormatFromPath(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{"out", "out.txt", "out.warc", "out.gz"} {
		if _, err := export.FormatFromPath(p); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range export.Formats {
		if _, err := export.Export(ctx, fx.a, fx.refs, io.Discard, export.Options{Format: f, TmpDir: t.TempDir()}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled export returned %v", f, err)
		}
	}
}

// A report whose blob is gone is still listed, with a warning; a corrupt
// parse is exported without numbers.
func TestExportMissingBlobAndBadParse(t *testing.T) {
	a := querytest.Open(t)
	querytest.Add(t, a, querytest.Doc{Site: "s", URL: "http://s.gov.cn/1", Title: "t", Body: "b", Year: 2023,
		Files: []querytest.File{{URL: "http://s.gov.cn/1.pdf", Data: querytest.PDF("x")}}, Parsed: []byte(`{"active": 3}`)})
	// A second document whose file refers to a blob that was never stored.
	if err := a.PutDocument(&archive.Document{ID: "ghost", Site: "s", URL: "http://s.gov.cn/2", Title: "ghost", Year: 2023,
		Files: []archive.FileRef{{URL: "http://s.gov.cn/2.pdf", SHA256: strings.Repeat("ab", 32), Role: "attachment"}}}); err != nil {
		t.Fatal(err)
	}
	refs, _ := query.Select(context.Background(), a, query.Filter{})
	var buf bytes.Buffer
	st, err := export.Export(context.Background(), a, refs, &buf, export.Options{Format: export.FormatZip, TmpDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if st.WarningCount != 2 || st.Files != 1 {
		t.Errorf("stats %+v", st)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "README.txt" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			if !strings.Contains(string(b), "not in the archive") {
				t.Error("README does not carry the warning")
			}
		}
	}
}

// Refs in a caller's own order, even without the fields the bundle sorts
// by, still give unique names for every file.
func TestExportZipUnsortedRefs(t *testing.T) {
	fx := newFixture(t)
	var refs []query.Ref
	for i := len(fx.refs) - 1; i >= 0; i-- {
		refs = append(refs, query.Ref{ID: fx.refs[i].ID})
	}
	// Interleave: same directory, other directory, same directory again.
	refs = append(refs, refs...)
	var buf bytes.Buffer
	st, err := export.Export(context.Background(), fx.a, refs, &buf, export.Options{Format: export.FormatZip, TmpDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	originals := 0
	for _, f := range zr.File {
		checkSafePath(t, f.Name)
		if seen[strings.ToLower(f.Name)] {
			t.Errorf("duplicate entry %q", f.Name)
		}
		seen[strings.ToLower(f.Name)] = true
		if strings.HasSuffix(f.Name, ".pdf") || strings.HasSuffix(f.Name, ".html") {
			originals++
		}
	}
	if originals != 2*fx.files || st.Files != 2*fx.files {
		t.Errorf("%d originals in the zip, %d in stats, want %d", originals, st.Files, 2*fx.files)
	}
}
