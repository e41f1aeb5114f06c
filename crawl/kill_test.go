package crawl

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/internal/urlcanon"
)

// The kill test re-executes the test binary as a crawl child: TestMain
// sees NB_CRAWL_CHILD and crawls instead of running tests.
func TestMain(m *testing.M) {
	if os.Getenv("NB_CRAWL_CHILD") != "" {
		os.Exit(crawlChild())
	}
	if os.Getenv("NB_BENCH_CHILD") != "" {
		os.Exit(benchChild())
	}
	os.Exit(m.Run())
}

type childSpec struct {
	Archive string            `json:"archive"`
	Resolve map[string]string `json:"resolve"`
	Sites   []config.Site     `json:"sites"`
	Now     time.Time         `json:"now"`
	// CommitEvery: the committer's group interval (0: the default).
	CommitEvery time.Duration `json:"commit_every"`
}

func crawlChild() int {
	var spec childSpec
	if err := json.Unmarshal([]byte(os.Getenv("NB_CRAWL_CHILD")), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "child spec:", err)
		return 2
	}
	a, err := archive.Open(spec.Archive, archive.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 2
	}
	defer a.Close()
	// Politeness on (a short per-host delay) so the crawl lasts long enough
	// for the parent's kills to land mid-run.
	cfg := config.Default()
	cfg.Crawl.InsecureTLS = true
	cfg.Crawl.Delay = config.Duration(8 * time.Millisecond)
	cfg.Crawl.Parallelism = 2
	fp := &fakeParser{}
	e, err := New(Options{Store: a, Config: cfg, Resolve: spec.Resolve, LoopbackOnly: true,
		Parser: fp.parse, Now: func() time.Time { return spec.Now }, MaxInFlight: 4, commitEvery: spec.CommitEvery})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child engine:", err)
		return 2
	}
	for _, r := range e.Crawl(context.Background(), spec.Sites) {
		if r.Err != nil && r.Run.Status != "failed" {
			fmt.Fprintln(os.Stderr, "child crawl:", r.Err)
			return 1
		}
	}
	return 0
}

// snapshot is an archive's content in comparable form: documents (files,
// sightings, parse state), captures and URL states by canonical URL and
// hash, blob hashes, and the frontier left over.
func snapshot(t *testing.T, a *archive.Archive, sites []config.Site) []string {
	t.Helper()
	var out []string
	err := a.ForEachDocument(func(d *archive.Document) error {
		var files, sights []string
		for _, f := range d.Files {
			files = append(files, f.Role+" "+urlcanon.Key(f.URL)+" "+f.SHA256)
		}
		for _, s := range d.Sightings {
			sights = append(sights, urlcanon.Key(s.URL)+"<"+urlcanon.Key(s.From))
		}
		sort.Strings(files)
		sort.Strings(sights)
		out = append(out, fmt.Sprintf("doc %s %s %q %d %q %s %s parse=%s files=%v seen=%v",
			d.ID, urlcanon.Key(d.URL), d.Title, d.Year, d.Body, d.PublishedAt, d.Site, d.ParseStatus, files, sights))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = a.ForEachCapture(func(c *archive.Capture) error {
		out = append(out, fmt.Sprintf("capture %s %s %d doc=%s", urlcanon.Key(c.URL), c.SHA256, c.Status, c.DocID))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		pend, err := a.FrontierPending(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("frontier %s %d", s.Name, len(pend)))
	}
	st, err := a.Stats()
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, fmt.Sprintf("stats docs=%d captures=%d urls=%d", st.Documents, st.Captures, st.URLs))
	sort.Strings(out)
	return out
}

// doneMarks counts the frontier URLs a killed child left marked done.
func doneMarks(t *testing.T, spec childSpec) int {
	t.Helper()
	a, err := archive.Open(spec.Archive, archive.Options{ReadOnly: true})
	if err != nil {
		return -1 // killed before the file was created
	}
	defer a.Close()
	n := 0
	for _, s := range spec.Sites {
		_, d, err := a.FrontierLen(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		n += d
	}
	return n
}
