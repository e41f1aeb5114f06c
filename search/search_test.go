package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

func report(title, body, region string, year int, overview, problems string) querytest.Doc {
	r := querytest.Report{Title: title, Body: body, Region: region, Year: year, Seed: year,
		Sections: querytest.Sections{Overview: overview, Problems: problems, Other: "无。"}}
	return querytest.Doc{Site: "s", URL: "http://x.gov.cn/" + title, Title: title, Body: body, Region: region,
		Year: year, Format: "2021", ParseStatus: "ok", Parsed: r.JSON()}
}

type fixture struct {
	a   *archive.Archive
	ix  *Index
	ids []string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	a := querytest.Open(t)
	ids := querytest.Add(t, a,
		report("偃师区工业和信息化局2023年政府信息公开工作年度报告", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2023,
			"本年度共收到行政复议申请3件，全部依法办理。", "存在的主要问题是公开内容不够全面。"),
		report("洛阳市财政局2022年政府信息公开工作年度报告", "洛阳市财政局", "河南省洛阳市", 2022,
			"行政机关依法公开预算信息，复议案件为零。", "政务公开平台建设有待加强。"),
		report("臺北縣政府2023年報", "某县人民政府", "某省某县", 2023,
			"本縣資訊公開工作穩步推進，行政訴訟2件。", "ＡＢＣ平台升级，共１２３条。"),
	)
	ix, err := Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Reconcile(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return &fixture{a: a, ix: ix, ids: ids}
}

func (f *fixture) search(t *testing.T, q string, flt query.Filter) []string {
	t.Helper()
	n, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	res, err := Run(context.Background(), f.a, f.ix, n, flt, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res {
		ids = append(ids, r.Doc.ID)
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string { s := slices.Clone(ids); slices.Sort(s); return s }

func TestWordsPhrasesBoolean(t *testing.T) {
	f := setup(t)
	a, b, c := f.ids[0], f.ids[1], f.ids[2]
	cases := []struct {
		q    string
		want []string
	}{
		{`行政复议`, []string{a}},                   // a word: its characters adjacent
		{`"行政复议"`, []string{a}},                 // the same phrase
		{`行政 复议`, []string{a, b}},               // two words anywhere
		{`行政 AND 复议`, []string{a, b}},           // explicit AND
		{`行政复议 OR 财政局`, []string{a, b}},         // OR
		{`复议 NOT 财政局`, []string{a}},             // NOT
		{`复议 -财政局`, []string{a}},                // - is NOT
		{`(行政复议 OR 行政诉讼) 2023`, []string{a, c}}, // parentheses; numbers are tokens
		{`主要问题`, []string{a}},                   // section 五
		{`洛阳市`, []string{a, b}},                 // region
		{`不存在的词语`, nil},
		{`诉`, []string{c}},    // one character, inside a pair
		{`议`, []string{a, b}}, // one character, at the end of a pair
	}
	for _, tc := range cases {
		got := f.search(t, tc.q, query.Filter{})
		if !slices.Equal(got, sorted(tc.want...)) {
			t.Errorf("%s: got %v, want %v", tc.q, got, sorted(tc.want...))
		}
	}
}

func TestFolding(t *testing.T) {
	f := setup(t)
	c := f.ids[2]
	for _, q := range []string{`资讯公开`, `資訊公開`, `行政诉讼`, `abc平台`, `ＡＢＣ`, `123`, `１２３`, `台北县`} {
		if got := f.search(t, q, query.Filter{}); !slices.Equal(got, []string{c}) {
			t.Errorf("%s: got %v, want [%s]", q, got, c)
		}
	}
	// traditional query, simplified text
	if got := f.search(t, `財政局`, query.Filter{}); !slices.Equal(got, []string{f.ids[1]}) {
		t.Errorf("財政局: got %v", got)
	}
}

func TestFilters(t *testing.T) {
	f := setup(t)
	if got := f.search(t, `政府信息公开`, query.Filter{YearFrom: 2023, YearTo: 2023}); !slices.Equal(got, sorted(f.ids[0])) {
		t.Errorf("year 2023: %v", got)
	}
	if got := f.search(t, `政府信息公开`, query.Filter{Body: "工信局"}); !slices.Equal(got, []string{f.ids[0]}) {
		t.Errorf("body short form: %v", got)
	}
	if got := f.search(t, `依法`, query.Filter{Region: "洛阳市", YearFrom: 2022, YearTo: 2022}); !slices.Equal(got, []string{f.ids[1]}) {
		t.Errorf("region+year: %v", got)
	}
}

func TestSnippet(t *testing.T) {
	f := setup(t)
	n, _ := Parse(`行政复议 依法`)
	res, err := Run(context.Background(), f.a, f.ix, n, query.Filter{}, 0)
	if err != nil || len(res) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	s := res[0].Snippet
	if !strings.Contains(s, "【行政复议】") || !strings.Contains(s, "【依法】") {
		t.Errorf("snippet %q lacks marks", s)
	}
	if got := Snippet("甲乙丙丁", []string{"乙丙"}, 80); got != "甲【乙丙】丁" {
		t.Errorf("Snippet = %q", got)
	}
}

func TestBadQueries(t *testing.T) {
	for _, q := range []string{``, `   `, `"行政复议`, `行政 OR`, `AND 行政`, `(行政`, `行政)`, `NOT 行政`, `""`, `，`, `"。。"`,
		strings.Repeat("行", 10*1024)} {
		if _, err := Parse(q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("Parse(%.20q) = %v, want ErrBadQuery", q, err)
		}
	}
}

func TestRetractedAndReconcile(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.a.Retract(f.ids[0], "t", "wrong file", time.Now()); err != nil {
		t.Fatal(err)
	}
	// Not yet reconciled: the hit is still dropped, checked against the archive.
	if got := f.search(t, `行政复议`, query.Filter{}); len(got) != 0 {
		t.Errorf("retracted returned before reconcile: %v", got)
	}
	if need, _ := f.ix.NeedsReconcile(f.a); !need {
		t.Error("count differs, NeedsReconcile = false")
	}
	ch, err := f.ix.Reconcile(ctx, f.a)
	if err != nil || ch.Deleted != 1 || ch.Indexed != 0 {
		t.Fatalf("reconcile: %+v %v", ch, err)
	}
	if n, _ := f.ix.Count(); n != 2 {
		t.Errorf("count %d", n)
	}
	if _, err := f.a.Restore(f.ids[0], "t", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if ch, _ := f.ix.Reconcile(ctx, f.a); ch.Indexed != 1 {
		t.Errorf("restore: %+v", ch)
	}
	// A changed document (reparse) is reindexed.
	if err := f.a.UpdateDocument(f.ids[1], func(d *archive.Document) error { d.Title += " 补充说明书"; return nil }); err != nil {
		t.Fatal(err)
	}
	if ch, _ := f.ix.Reconcile(ctx, f.a); ch.Indexed != 1 || ch.Unchanged != 2 {
		t.Errorf("changed: %+v", ch)
	}
	if got := f.search(t, `补充说明书`, query.Filter{}); !slices.Equal(got, []string{f.ids[1]}) {
		t.Errorf("changed doc: %v", got)
	}
}

func TestKilledMidIndexingRepairedOnOpen(t *testing.T) {
	a := querytest.Open(t)
	var docs []querytest.Doc
	for i := 0; i < 40; i++ {
		docs = append(docs, report("报告"+strings.Repeat("甲", i%5)+string(rune('A'+i)), "某局", "某县", 2020+i%4, "行政复议测试", ""))
	}
	querytest.Add(t, a, docs...)
	ix, err := Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	// Simulate a process killed mid-indexing: some batches committed, the
	// dirty mark left behind.
	old := BatchSize
	BatchSize = 10
	defer func() { BatchSize = old }()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	stop := errors.New("killed")
	err = a.ForEachDocument(func(d *archive.Document) error {
		if n == 15 {
			return stop
		}
		n++
		return ix.idx.Index(d.ID, indexDoc{Text: Fold(Text(d)), Year: float64(d.Year), FP: Fingerprint(d)})
	})
	cancel()
	_ = ctx
	if !errors.Is(err, stop) {
		t.Fatal(err)
	}
	ix.Close()

	ix, err = Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	need, err := ix.NeedsReconcile(a)
	if err != nil || !need {
		t.Fatalf("NeedsReconcile = %v, %v", need, err)
	}
	ch, err := ix.Reconcile(context.Background(), a)
	if err != nil || ch.Indexed != 25 || ch.Unchanged != 15 {
		t.Fatalf("repair: %+v %v", ch, err)
	}
	if need, _ := ix.NeedsReconcile(a); need {
		t.Error("still needs reconcile")
	}
}

func TestDamagedIndexRecreated(t *testing.T) {
	a := querytest.Open(t)
	querytest.Add(t, a, report("某局2023年报告", "某局", "某县", 2023, "行政复议", ""))
	dir := Path(a.Path())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{garbage"), 0o644)
	ix, err := Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if need, _ := ix.NeedsReconcile(a); !need {
		t.Fatal("a recreated index must need reconcile")
	}
	if _, err := ix.Reconcile(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 1 {
		t.Errorf("count %d", n)
	}
}

func TestRebuildRoundTrip(t *testing.T) {
	f := setup(t)
	before := f.search(t, `政府信息公开`, query.Filter{})
	ch, err := f.ix.Rebuild(context.Background(), f.a)
	if err != nil || ch.Indexed != 3 {
		t.Fatalf("rebuild %+v %v", ch, err)
	}
	if after := f.search(t, `政府信息公开`, query.Filter{}); !slices.Equal(before, after) || len(after) != 2 {
		t.Errorf("before %v after %v", before, after)
	}
}

func TestHitMissingFromArchiveDropped(t *testing.T) {
	f := setup(t)
	// An entry the archive lacks (left by some earlier archive): never
	// returned, and reconcile removes it.
	if err := f.ix.idx.Index("ffffffffffffffff", indexDoc{Text: Fold("行政复议 幽灵报告"), Year: 2023, FP: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := f.search(t, `幽灵报告`, query.Filter{}); len(got) != 0 {
		t.Errorf("ghost returned: %v", got)
	}
	if need, _ := f.ix.NeedsReconcile(f.a); !need {
		t.Error("count differs, NeedsReconcile = false")
	}
	ch, err := f.ix.Reconcile(context.Background(), f.a)
	if err != nil || ch.Deleted != 1 {
		t.Fatalf("%+v %v", ch, err)
	}
	if n, _ := f.ix.Count(); n != 3 {
		t.Errorf("count %d", n)
	}
}

func TestPhraseVersusWord(t *testing.T) {
	a := querytest.Open(t)
	ids := querytest.Add(t, a,
		report("甲局报告", "甲局", "某县", 2023, "依法办理行政复议案件。", ""),
		report("乙局报告", "乙局", "某县", 2023, "行政机关，政复核查，复议案件。", ""), // every pair of 行政复议, apart
	)
	ix, err := Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Reconcile(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	f := &fixture{a: a, ix: ix, ids: ids}
	if got := f.search(t, `行政复议`, query.Filter{}); !slices.Equal(got, sorted(ids...)) {
		t.Errorf("word: %v", got)
	}
	if got := f.search(t, `"行政复议"`, query.Filter{}); !slices.Equal(got, []string{ids[0]}) {
		t.Errorf("phrase: %v", got)
	}
	// a space between Chinese characters does not count
	if got := f.search(t, `"复议 案件"`, query.Filter{}); !slices.Equal(got, sorted(ids...)) {
		t.Errorf("phrase with a space: %v", got)
	}
	if got := f.search(t, `"依法 办理 行政复议"`, query.Filter{}); !slices.Equal(got, []string{ids[0]}) {
		t.Errorf("phrase with spaces: %v", got)
	}
}

func TestExtraRowLabelsIndexed(t *testing.T) {
	a := querytest.Open(t)
	r := querytest.Report{Title: "某局报告", Body: "某局", Year: 2023, Extra: true}
	ids := querytest.Add(t, a, querytest.Doc{Site: "s", URL: "http://x/1", Title: "某局报告", Body: "某局", Year: 2023, Parsed: r.JSON()},
		report("乙局报告", "乙局", "某县", 2023, "无。", ""))
	ix, err := Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Reconcile(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	f := &fixture{a: a, ix: ix, ids: ids}
	if got := f.search(t, `"其他主动公开文件"`, query.Filter{}); !slices.Equal(got, []string{ids[0]}) {
		t.Errorf("extra row label: %v", got)
	}
}
