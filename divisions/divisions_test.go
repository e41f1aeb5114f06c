package divisions

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/divisions/internal/build"
)

// The embedded tables are exactly what the generator makes of the
// committed source: nobody edits them by hand, and `go generate` after a
// change to the source or the generator is not forgotten.
func TestGeneratorReproducesEmbeddedData(t *testing.T) {
	files, st, err := build.Build(os.DirFS("source"))
	if err != nil {
		t.Fatal(err)
	}
	for name, embedded := range map[string][]byte{build.UpperFile: upperData, build.TownshipFile: townshipData} {
		onDisk, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(onDisk, embedded) {
			t.Fatalf("%s on disk differs from the embedded copy", name)
		}
		if !bytes.Equal(files[name], embedded) {
			t.Errorf("%s: the generator gives %d bytes, the package embeds %d different ones: run go generate ./divisions",
				name, len(files[name]), len(embedded))
		}
	}
	if st.Provinces != 31 || st.Prefectures != 333 || st.Counties < 2800 || st.Townships < 38000 {
		t.Errorf("stats %+v: a table of China has 31 provinces, 333 prefectures, ~2,850 counties, ~38,700 townships", st)
	}
}

func TestEmbeddedTablesLoad(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatal(err)
	}
}

func TestByCode(t *testing.T) {
	tests := []struct {
		code, want, level string
	}{
		{"410307", "河南省 › 洛阳市 › 偃师区 (410307)", "county"},
		{"4103", "河南省 › 洛阳市 (410300)", "prefecture"},
		{"410300", "河南省 › 洛阳市 (410300)", "prefecture"},
		{"41", "河南省 (410000)", "province"},
		{"410000", "河南省 (410000)", "province"},
		{"410307004", "河南省 › 洛阳市 › 偃师区 › 首阳山街道 (410307004)", "township"},
		{"410307004000", "河南省 › 洛阳市 › 偃师区 › 首阳山街道 (410307004)", "township"},
		// the former 偃师市 (until 2021) is today's 偃师区
		{"410381", "河南省 › 洛阳市 › 偃师区 (410307)", "county"},
		// a municipality's districts sit right under it (no 市辖区 level)
		{"110101", "北京市 › 东城区 (110101)", "county"},
		// a county-level city directly under its province
		{"419001", "河南省 › 济源市 (419001)", "county"},
		// a prefecture without counties: its towns sit right under it
		{"441900003", "广东省 › 东莞市 › 东城街道 (441900003)", "township"},
	}
	for _, tc := range tests {
		d := ByCode(tc.code)
		if d == nil {
			t.Errorf("ByCode(%s) = nil", tc.code)
			continue
		}
		if d.String() != tc.want || d.Level.String() != tc.level {
			t.Errorf("ByCode(%s) = %s %s; want %s %s", tc.code, d, d.Level, tc.want, tc.level)
		}
	}
	for _, code := range []string{"999999", "1101", "410371", "", "41x"} {
		// 1101 is the source's 市辖区 placeholder, 410371 a development
		// zone's statistical code: neither is a division.
		if d := ByCode(code); d != nil {
			t.Errorf("ByCode(%q) = %s; want nil", code, d)
		}
	}
}

func TestCodeWithin(t *testing.T) {
	ly, ys := ByCode("4103"), ByCode("410307")
	for _, tc := range []struct {
		code string
		a    *Division
		want bool
	}{
		{"410307", ly, true}, {"410307004", ly, true}, {"410307004", ys, true}, {"410307", ys, true},
		{"410308", ys, false}, {"410300", ys, false}, {"130105", ly, false}, {"", ly, false}, {"4103x", ly, false},
		{"410307", nil, false},
	} {
		if got := CodeWithin(tc.code, tc.a); got != tc.want {
			t.Errorf("CodeWithin(%q, %v) = %v", tc.code, tc.a, got)
		}
	}
}

func TestRenamesPointIntoTheTable(t *testing.T) {
	rs := Renames()
	if len(rs) < 10 {
		t.Fatalf("%d renames", len(rs))
	}
	for _, r := range rs {
		if ByCode(r.NewCode) == nil {
			t.Errorf("%s → %s: not in the table", r.OldName, r.NewCode)
		}
		if r.Year < 2008 {
			t.Errorf("%s: year %d: the table covers changes since 2008", r.OldName, r.Year)
		}
	}
	if got := Renamed("偃师市"); len(got) != 1 || got[0].NewCode != "410307" || got[0].Year != 2021 {
		t.Errorf("Renamed(偃师市) = %+v", got)
	}
}

func TestCounties(t *testing.T) {
	ly := ByCode("4103")
	var names []string
	for _, c := range Counties(ly) {
		names = append(names, c.Name)
	}
	// 洛阳市 today: 7 districts, 7 counties; no 高新区 (a zone, not a county)
	want := "老城区 西工区 瀍河回族区 涧西区 偃师区 孟津区 洛龙区 新安县 栾川县 嵩县 汝阳县 宜阳县 洛宁县 伊川县"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Counties(洛阳市) = %s\nwant %s", got, want)
	}
	if n := len(Counties(nil)); n < 2800 {
		t.Errorf("%d counties in China", n)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in   string
		want []string // codes
	}{
		{"洛阳市", []string{"410300"}},
		{"410307", []string{"410307"}},
		{"偃师区", []string{"410307"}},
		{"偃师市", []string{"410307"}},
		{"河南省洛阳市偃师区", []string{"410307"}},
		{"河南 省 洛阳市", []string{"410300"}},
		{"新华区", []string{"130105", "130902", "410402"}},
		{"石家庄市新华区", []string{"130105"}},
		{"首阳山街道", []string{"410307004"}},
	}
	for _, tc := range tests {
		ds, err := Lookup(tc.in)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tc.in, err)
			continue
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.Code())
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("Lookup(%q) = %v; want %v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "高新区", "火星市", "000000"} {
		if ds, err := Lookup(bad); err == nil {
			t.Errorf("Lookup(%q) = %v; want an error", bad, ds)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string // code, "" unresolved
		from string
		warn string // a warning code that must be present ("" none at all)
	}{
		{"site alone", Input{Site: "河南省洛阳市偃师区"}, "410307", FromSite, ""},
		{"site by code", Input{Site: "410307"}, "410307", FromSite, ""},
		{"body narrows the site", Input{Site: "河南省洛阳市", Body: "偃师区工业和信息化局"}, "410307", FromBody, ""},
		{"body alone", Input{Body: "洛阳市偃师区民政局"}, "410307", FromBody, ""},
		{"title when the body says nothing", Input{Site: "河南省", Body: "教育局", Title: "洛阳市教育局2023年政府信息公开工作年度报告"}, "410300", FromTitle, ""},
		{"text when nothing else names a place", Input{Body: "教育局", Text: "2023年，孟津区教育局认真贯彻落实《条例》，做好政府信息公开工作。"}, "410308", FromText, ""},
		{"text: the first chain of names only", Input{Body: "财政局", Text: "2023年，洛阳市孟津区财政局会同偃师区财政局……"}, "410308", FromText, ""},
		{"renamed county", Input{Body: "偃师市教育局", Title: "偃师市教育局2019年政府信息公开工作年度报告"}, "410307", FromBody, ""},
		{"renamed county under its old city", Input{Site: "河南省洛阳市", Body: "偃师市财政局"}, "410307", FromBody, ""},
		{"ambiguous name resolved by the site", Input{Site: "河北省石家庄市", Body: "新华区人民政府"}, "130105", FromBody, ""},
		{"ambiguous name resolved by the site (Henan)", Input{Site: "河南省平顶山市", Body: "新华区人民政府"}, "410402", FromBody, ""},
		{"ambiguous name left unresolved", Input{Body: "新华区人民政府"}, "", "", WarnAmbiguous},
		{"ambiguous narrowed to the province only", Input{Body: "河北省新华区财政局"}, "130000", FromBody, WarnAmbiguous},
		{"unresolvable", Input{Body: "国家税务总局", Title: "国家税务总局2023年政府信息公开工作年度报告"}, "", "", WarnUnresolved},
		{"township under a county site", Input{Site: "河南省洛阳市偃师区", Body: "首阳山街道办事处"}, "410307004", FromBody, ""},
		{"text never narrows to a township", Input{Site: "偃师区", Text: "偃师区首阳山街道"}, "410307", FromSite, ""},
		{"a county's text does not move it", Input{Site: "河南省洛阳市偃师区", Body: "偃师区人民政府", Text: "全区各乡镇，孟津区"}, "410307", FromSite, ""},
		{"conflict keeps the site", Input{Site: "河南省洛阳市", Body: "郑州市教育局"}, "410300", FromSite, WarnConflict},
		{"unknown site region", Input{Site: "火星市", Body: "偃师区教育局"}, "410307", FromBody, WarnSite},
		{"longest name first", Input{Body: "洛阳市老城区城市管理局"}, "410302", FromBody, ""},
		{"municipality district", Input{Body: "北京市东城区人民政府"}, "110101", FromBody, ""},
		{"merged district", Input{Body: "北京市崇文区人民政府"}, "110101", FromBody, ""},
		{"two-character name starting the body", Input{Body: "高县教育局"}, "511525", FromBody, ""},
		{"two-character name inside a word", Input{Body: "某开发区东区管理委员会"}, "", "", WarnUnresolved},
		{"two-character name under a known city", Input{Site: "山西省晋城市", Body: "城区人民政府"}, "140502", FromBody, ""},
		{"a town the table does not list under the county", Input{Site: "河南省洛阳市偃师区", Body: "偃师区城关街道办事处"}, "410307", FromSite, ""},
		{"full-width and spaces", Input{Body: "洛阳市　偃师区 教育局"}, "410307", FromBody, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Resolve(tc.in)
			got := ""
			if r.Division != nil {
				got = r.Division.Code()
			}
			if got != tc.want || r.From != tc.from {
				t.Errorf("Resolve(%+v) = %q from %q; want %q from %q (warnings %v)", tc.in, got, r.From, tc.want, tc.from, r.Warnings)
			}
			if tc.warn == "" && len(r.Warnings) > 0 {
				t.Errorf("unexpected warnings %v", r.Warnings)
			}
			if tc.warn != "" && !hasCode(r.Warnings, tc.warn) {
				t.Errorf("warnings %v; want %s", r.Warnings, tc.warn)
			}
			if tc.want == "" && len(r.Warnings) == 0 {
				t.Errorf("unresolved without a warning")
			}
		})
	}
}

func hasCode(ws []string, code string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, code+":") {
			return true
		}
	}
	return false
}

func TestAmbiguousTownshipWarningIsShort(t *testing.T) {
	r := Resolve(Input{Body: "城关镇人民政府"})
	if r.Division != nil || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "more") || len(r.Warnings[0]) > 600 {
		t.Errorf("%v %v", r.Division, r.Warnings)
	}
}

func TestPathAndLevel(t *testing.T) {
	r := Resolve(Input{Site: "河南省洛阳市", Body: "偃师区工业和信息化局"})
	if got := strings.Join(r.Division.Path(), "›"); got != "河南省›洛阳市›偃师区" || r.Division.Level != County {
		t.Errorf("path %s level %s", got, r.Division.Level)
	}
}

func TestTextIgnoresTwoCharacterNames(t *testing.T) {
	r := Resolve(Input{Body: "某局", Text: "进一步提高县级政府信息公开质量"})
	if r.Division != nil {
		t.Errorf("resolved %s from a plain word", r.Division)
	}
}

// Resolutions run from the crawl's parse workers at once.
func TestResolveConcurrently(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() {
			r := Resolve(Input{Site: "河南省洛阳市", Body: "偃师区首阳山街道办事处"})
			code := ""
			if r.Division != nil {
				code = r.Division.Code()
			}
			done <- code
		}()
	}
	for range 8 {
		if c := <-done; c != "410307004" {
			t.Errorf("got %q", c)
		}
	}
}

func TestOfficialKnown(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"偃师区", true},
		{"洛阳市偃师区", true},
		{"偃师市", true},  // the former name still resolves
		{"新华区", true},  // several divisions share it: still a division
		{"候师区", false}, // an OCR misreading of 偃师区
		{"", false},
	} {
		if got := (Official{}).Known(tc.name); got != tc.want {
			t.Errorf("Known(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
