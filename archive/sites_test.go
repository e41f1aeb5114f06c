package archive

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestDocumentSitesAndGeneration(t *testing.T) {
	a, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	g0, err := a.Generation()
	if err != nil {
		t.Fatal(err)
	}
	for i, site := range []string{"b", "a", "b", "", "ab"} {
		u := "http://x.gov.cn/" + string(rune('a'+i))
		id := DocID(site, u)
		err := a.CommitFetch(Fetch{Blob: []byte{byte(i)}, Site: site, Capture: &Capture{URL: u, FinalURL: u, Status: 200, Site: site, DocID: id},
			Doc: &Document{ID: id, Site: site, URL: u, Title: "t", FirstSeen: time.Now(), Files: []FileRef{{URL: u, Role: "attachment"}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.DocumentSites()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "ab", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sites %q, want %q", got, want)
	}
	g1, _ := a.Generation()
	g2, _ := a.Generation()
	if g1 == g0 || g1 != g2 {
		t.Errorf("generation %d → %d → %d: want a change on write only", g0, g1, g2)
	}
}

// Only documents whose record changed are decoded again; removed ones
// drop out of the stamps.
func TestForEachDocumentChanged(t *testing.T) {
	a, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var ids []string
	for i := 0; i < 3; i++ {
		u := "http://x.gov.cn/" + string(rune('a'+i))
		id := DocID("s", u)
		ids = append(ids, id)
		if err := a.CommitFetch(Fetch{Blob: []byte{byte(i)}, Site: "s", Capture: &Capture{URL: u, FinalURL: u, Status: 200, Site: "s", DocID: id},
			Doc: &Document{ID: id, Site: "s", URL: u, Title: "t", FirstSeen: time.Now(), Files: []FileRef{{URL: u, Role: "attachment"}}}}); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	visit := func(d *Document, _ RecordStamp) error { seen = append(seen, d.ID); return nil }
	st, err := a.ForEachDocumentChanged(nil, visit)
	if err != nil || len(seen) != 3 || len(st) != 3 {
		t.Fatalf("first walk: %v %d %d", err, len(seen), len(st))
	}
	seen = nil
	if st, err = a.ForEachDocumentChanged(st, visit); err != nil || len(seen) != 0 {
		t.Fatalf("unchanged archive decoded %v (%v)", seen, err)
	}
	if err := a.UpdateDocument(ids[1], func(d *Document) error { d.Title = "改了"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err = a.ForEachDocumentChanged(st, visit); err != nil || len(seen) != 1 || seen[0] != ids[1] {
		t.Fatalf("after one update decoded %v (%v), want only %s", seen, err, ids[1])
	}
}
