package sites

import "testing"

func TestCorpusSize(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: walks every generated and imitation portal (runs without -short)")
	}
	if fewPages() {
		t.Skip("portals not walked under -race -short")
	}
	gen, imp, fix := generatedPages(t), imitationPages(t), fixturePages(t)
	kinds := map[string]int{}
	for _, p := range imp {
		kinds[p.Kind]++
	}
	t.Logf("generated %d pages, imitation %d pages (%v), fixtures %d", len(gen), len(imp), kinds, len(fix))
	if len(gen) < 300 || len(imp) < 100 {
		t.Fatalf("corpus too small")
	}
}
