package crawl

import (
	"errors"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// A parsed version leaves the cache once its commit is durable, and only
// then; the document is still this run's (cached finds it in the store),
// and a version changed after the parse stays.
func TestDocCacheSettlesParsedVersions(t *testing.T) {
	st := NewMemStore()
	c := newDocCache(st, "s")
	cm := newCommitter(st, time.Millisecond)
	defer cm.close()

	d := &archive.Document{ID: "a", Site: "s", Title: "甲2023年政府信息公开工作年度报告", ParseStatus: "ok", Parsed: []byte(`{"x":1}`)}
	pending := make(chan struct{})
	c.putParsed(d, pending)
	if _, ok := c.docs["a"]; !ok {
		t.Fatal("a parsed version left the cache before its commit was durable")
	}
	if err := cm.wait(archive.Fetch{Site: "s", Doc: d}); err != nil {
		t.Fatal(err)
	}
	close(pending)
	// The next parsed version sweeps the settled one out.
	b := &archive.Document{ID: "b", Site: "s", ParseStatus: "ok"}
	bStored := make(chan struct{})
	c.putParsed(b, bStored)
	if _, ok := c.docs["a"]; ok {
		t.Error("a settled parsed version stayed in the cache")
	}
	got, err := c.cached("a")
	if err != nil || got.ParseStatus != "ok" || string(got.Parsed) != `{"x":1}` {
		t.Fatalf("cached(a) after settling = %+v, %v; want the stored parsed version", got, err)
	}
	// b changed after its parse (a new file): that version stays.
	b2 := clone(b)
	b2.ParseStatus = ""
	c.put(b2)
	close(bStored)
	c.evictSettled()
	if c.docs["b"] != b2 {
		t.Error("a version changed after the parse left the cache")
	}
	if _, err := c.cached("zzz"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("cached(unknown) = %v, want ErrNotFound", err)
	}
}
