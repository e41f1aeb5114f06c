package sites

import "testing"

// The next page of a list scores above the list's reports and files, in
// every family: the engine fetches it first, so the frontier keeps a list
// page while the reports are fetched (the engine takes the same 2 per
// level of depth off both).
func TestNextPageScoresAboveItems(t *testing.T) {
	pages := fixturePages(t)
	if !fewPages() {
		pages = append(pages, imitationPages(t)...)
	}
	checked := 0
	for _, cp := range pages {
		p, err := NewPage(cp.URL, cp.HTML, KindList, "")
		if err != nil {
			continue
		}
		for _, fam := range Families() {
			r, _ := Lookup(fam)
			a := r.Analyze(p)
			lowNext, highItem := 1e9, -1e9
			var next, item Link
			for _, l := range a.Links {
				switch {
				case l.Next && l.Score < lowNext:
					lowNext, next = l.Score, l
				case !l.Next && (l.Kind == KindDetail || l.Kind == KindAttachment || l.Kind == KindPart) && l.Score > highItem:
					highItem, item = l.Score, l
				}
			}
			if lowNext == 1e9 || highItem == -1e9 {
				continue
			}
			checked++
			if lowNext <= highItem {
				t.Errorf("%s (%s): next page %s scores %v, report %s %v", cp.Name, fam, next.URL, next.Score, item.URL, item.Score)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no list page with a next page and reports")
	}
}
