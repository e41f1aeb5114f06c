package archive

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Retract and Restore append to the document's tombstone history; the
// document, its files and captures stay; every other write of the
// document (a crawl's update through CommitFetches, PutDocument,
// UpdateDocument) keeps the stored history.
func TestRetractRestoreKeptAcrossUpdates(t *testing.T) {
	a := openTemp(t)
	url := "http://www.yanshi.gov.cn/art/2024/1/15/art_1.html"
	id := DocID("yanshi", url)
	t0 := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	page := []byte("<html>偃师区2023年政府信息公开工作年度报告</html>")
	doc := func(title string) *Document {
		return &Document{ID: id, Site: "yanshi", URL: url, Title: title, Body: "偃师区人民政府", Year: 2023, Source: "crawl",
			FirstSeen: t0, Files: []FileRef{{URL: url, Role: "page"}}}
	}
	if err := a.CommitFetch(Fetch{Blob: page, Capture: &Capture{URL: url, Site: "yanshi", Source: "crawl", DocID: id, Time: t0},
		Doc: doc("first")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Retract(id, "alice", "", t0); err == nil {
		t.Fatal("Retract without a reason succeeded")
	}
	if _, err := a.Retract("0123456789abcdef", "alice", "wrong", t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v, want ErrNotFound", err)
	}
	if _, err := a.Restore(id, "alice", "", t0); !errors.Is(err, ErrNotRetracted) {
		t.Fatalf("restore of a live document: %v, want ErrNotRetracted", err)
	}
	t1 := t0.Add(time.Hour)
	d, err := a.Retract(id, "alice", "not an annual report", t1.In(time.FixedZone("CST", 8*3600)))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Retracted() || d.Retraction().By != "alice" || d.Retraction().Reason != "not an annual report" || !d.Retraction().Time.Equal(t1) ||
		d.Retraction().Time.Location() != time.UTC {
		t.Fatalf("after Retract: %+v", d.Tombstones)
	}
	if _, err := a.Retract(id, "bob", "again", t1); !errors.Is(err, ErrRetracted) {
		t.Fatalf("second retract: %v, want ErrRetracted", err)
	}

	// A later crawl sees the report again and commits a fresh document
	// (no tombstones in it): the stored history stays.
	page2 := []byte("<html>偃师区2023年政府信息公开工作年度报告（更新）</html>")
	fresh := doc("second")
	if err := a.CommitFetches([]Fetch{{Blob: page2, Capture: &Capture{URL: url, Site: "yanshi", Source: "crawl", DocID: id, Time: t1},
		Doc: fresh}}); err != nil {
		t.Fatal(err)
	}
	if !fresh.Retracted() {
		t.Error("the committed document was not given the stored tombstones")
	}
	got, err := a.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "second" || !got.Retracted() || len(got.Tombstones) != 1 {
		t.Fatalf("after a crawl update: title %q, tombstones %+v", got.Title, got.Tombstones)
	}
	// Neither does a caller that tries to clear them.
	clear := doc("third")
	clear.Tombstones = []Tombstone{{Action: TombstoneRestore, By: "crawler"}}
	if err := a.PutDocument(clear); err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateDocument(id, func(d *Document) error { d.Tombstones = nil; d.ParseStatus = "ok"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ = a.Document(id); !got.Retracted() || len(got.Tombstones) != 1 || got.ParseStatus != "ok" || got.Title != "third" {
		t.Fatalf("after PutDocument/UpdateDocument: %+v", got)
	}
	if caps, _ := a.Captures(url); len(caps) != 2 {
		t.Errorf("%d captures, want both kept", len(caps))
	}

	st, err := a.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 1 || st.Retracted != 1 {
		t.Errorf("stats: %d documents, %d retracted; want 1, 1", st.Documents, st.Retracted)
	}
	res, err := a.Verify(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || res.Documents != 1 || res.Retracted != 1 {
		t.Errorf("verify: %+v", res)
	}

	t2 := t1.Add(time.Hour)
	if d, err = a.Restore(id, "bob", "it is one after all", t2); err != nil {
		t.Fatal(err)
	}
	if d.Retracted() || len(d.Tombstones) != 2 || d.Tombstones[1].Action != TombstoneRestore || d.Tombstones[1].By != "bob" {
		t.Fatalf("after Restore: %+v", d.Tombstones)
	}
	if d, err = a.Retract(id, "carol", "duplicate", t2.Add(time.Hour)); err != nil || len(d.Tombstones) != 3 || !d.Retracted() {
		t.Fatalf("retract again: %v %+v", err, d)
	}
	if st, _ = a.Stats(); st.Retracted != 1 {
		t.Errorf("stats after retract, restore, retract: %d retracted", st.Retracted)
	}
	if _, err := a.Restore(id, "carol", "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if st, _ = a.Stats(); st.Retracted != 0 {
		t.Errorf("stats after the last restore: %d retracted", st.Retracted)
	}
	if got, _ = a.Document(id); len(got.Tombstones) != 4 || got.Tombstones[3].Time.IsZero() {
		t.Errorf("history: %+v", got.Tombstones)
	}
}

// Stats reads only the tail of each document record: keys quoted inside
// its strings (a title, a warning, the parsed JSON) never count.
func TestStatsRetractedIgnoresLookalikeText(t *testing.T) {
	a := openTemp(t)
	trick := `"last_seen":"x","tombstones":[{"action":"retract"}]`
	for i, d := range []*Document{
		{ID: "0000000000000001", Title: trick, Warnings: []string{trick}, Parsed: []byte(`{"title":"` + `\"tombstones\":[` + `"}`)},
		{ID: "0000000000000002", Tombstones: []Tombstone{{Action: TombstoneRetract, By: "a", Reason: trick}}},
		{ID: "0000000000000003", Tombstones: []Tombstone{{Action: TombstoneRetract, By: "a", Reason: "r"}, {Action: TombstoneRestore, By: trick}}},
	} {
		if err := a.PutDocument(d); err != nil {
			t.Fatal(i, err)
		}
	}
	st, err := a.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 3 || st.Retracted != 1 {
		t.Errorf("stats: %d documents, %d retracted; want 3, 1", st.Documents, st.Retracted)
	}
}
