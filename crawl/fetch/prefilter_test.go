package fetch

import "testing"

// findJSNav's literal pre-check must never hide a jsNavRe match.
func TestFindJSNavMatchesRegexp(t *testing.T) {
	for _, in := range []string{
		"", "no script here", `window.open('/a.html')`, `WINDOW.OPEN("/b")`, `location.href = "/c.html"`,
		`top.Location='/d'`, `location.replace("e.html")`, `self.location.assign('/f')`, `document.location = "g"`,
		`var locationx = 1`, `window.opener`, `LOCATION.REPLACE('/h')`,
	} {
		got, want := findJSNav(in), jsNavRe.FindStringSubmatch(in)
		if len(got) != len(want) || len(got) > 1 && got[1] != want[1] {
			t.Errorf("findJSNav(%q) = %q, regexp %q", in, got, want)
		}
	}
}
