package divisions

//go:generate go run ./gen -src source -out .

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/divisions/internal/build"
)

//go:embed divisions.tsv.gz
var upperData []byte

//go:embed townships.tsv.gz
var townshipData []byte

//go:embed renames.tsv
var renamesData string

// Level is a division's tier.
type Level int

// The four levels of the table.
const (
	Province   Level = 1 // 省级: province, autonomous region, municipality
	Prefecture Level = 2 // 地级: prefecture-level city, 自治州, 地区, 盟
	County     Level = 3 // 县级: district, county, county-level city, 旗
	Township   Level = 4 // 乡级: township, town, street (街道)
)

// String is the level's JSON name (region_level).
func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case Prefecture:
		return "prefecture"
	case County:
		return "county"
	case Township:
		return "township"
	}
	return ""
}

// Division is one administrative division of today's table.
type Division struct {
	key    string // the code's significant digits: 2, 4, 6 or 9
	Name   string // today's name: 偃师区
	Level  Level
	Parent *Division // nil for a province
}

// Code is the division's code: six digits for a province, prefecture or
// county (GB/T 2260: 410000, 410300, 410307), nine for a township (410307004).
func (d *Division) Code() string {
	if len(d.key) >= 6 {
		return d.key
	}
	return d.key + strings.Repeat("0", 6-len(d.key))
}

// Path is the names from the province down: [河南省 洛阳市 偃师区].
func (d *Division) Path() []string {
	var out []string
	for x := d; x != nil; x = x.Parent {
		out = append(out, x.Name)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// FullName is the path joined: 河南省洛阳市偃师区.
func (d *Division) FullName() string { return strings.Join(d.Path(), "") }

// Within reports whether d is a or lies inside a.
func (d *Division) Within(a *Division) bool {
	return a != nil && strings.HasPrefix(d.key, a.key)
}

// CodeWithin reports whether the division coded code (as Code gives it)
// is a or lies inside a, from the codes alone: no table is read, so a
// filter over many documents does not load the townships.
func CodeWithin(code string, a *Division) bool {
	return a != nil && isDigits(code) && strings.HasPrefix(keyOf(code), a.key)
}

// String is "河南省 › 洛阳市 › 偃师区 (410307)".
func (d *Division) String() string {
	return strings.Join(d.Path(), " › ") + " (" + d.Code() + ")"
}

// Rename is one change of name or merger since 2008: a report from before
// it names the old division, which today's table no longer lists.
type Rename struct {
	OldCode string // the code the old division had
	OldName string // 偃师市
	NewCode string // today's division it became or went into: 410307
	Year    int    // the year the change took effect
	Note    string // what happened, and where it is recorded
}

type table struct {
	byKey  map[string]*Division
	byName map[string][]*Division // today's names and former names
	all    []*Division            // upper levels, by code
	// renames by the old name and the old code
	renamed     map[string][]Rename
	renamedCode map[string]Rename
	// starts holds the first two characters of every name (today's and
	// former), longest the longest name in characters: the scan for
	// names in a text skips most positions at one lookup.
	starts  map[string]bool
	longest int
}

// index notes name in starts and longest.
func index(starts map[string]bool, longest *int, name string) {
	n := 0
	for i := range name {
		if n == 2 {
			starts[name[:i]] = true
		}
		n++
	}
	if n == 2 {
		starts[name] = true
	}
	*longest = max(*longest, n)
}

var (
	upperOnce sync.Once
	upper     *table
	upperErr  error

	townOnce sync.Once
	towns    *townTable
	townErr  error
)

// load reads the embedded table of provinces, prefectures and counties.
// Townships (41,000 names) load separately, on first need.
func load() (*table, error) {
	upperOnce.Do(func() {
		t := &table{byKey: map[string]*Division{}, byName: map[string][]*Division{},
			renamed: map[string][]Rename{}, renamedCode: map[string]Rename{}, starts: map[string]bool{}}
		err := build.Lines(upperData, func(line string) error {
			code, name, ok := strings.Cut(line, "\t")
			if !ok {
				return fmt.Errorf("bad line %q", line)
			}
			d := &Division{key: code, Name: name}
			switch len(code) {
			case 2:
				d.Level = Province
			case 4:
				d.Level = Prefecture
			case 6:
				d.Level = County
			default:
				return fmt.Errorf("bad code %q", code)
			}
			d.Parent = t.parentOf(code)
			t.byKey[code] = d
			t.all = append(t.all, d)
			t.byName[name] = append(t.byName[name], d)
			index(t.starts, &t.longest, name)
			return nil
		})
		if err != nil {
			upperErr = fmt.Errorf("divisions: embedded table: %w", err)
			return
		}
		if err := t.loadRenames(); err != nil {
			upperErr = err
			return
		}
		upper = t
	})
	return upper, upperErr
}

// parentOf is the longest code prefix that is a division: the source's
// placeholders (北京市's 市辖区, 省直辖县级行政区划) and development zones
// are not, so their children hang one level up.
func (t *table) parentOf(key string) *Division {
	for _, n := range []int{6, 4, 2} {
		if n < len(key) {
			if p := t.byKey[key[:n]]; p != nil {
				return p
			}
		}
	}
	return nil
}

func (t *table) loadRenames() error {
	for i, line := range strings.Split(renamesData, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return fmt.Errorf("divisions: renames.tsv line %d: want 5 tab-separated fields", i+1)
		}
		var r Rename
		r.OldCode, r.OldName, r.NewCode, r.Note = f[0], f[1], f[2], f[4]
		if _, err := fmt.Sscan(f[3], &r.Year); err != nil {
			return fmt.Errorf("divisions: renames.tsv line %d: year %q: %w", i+1, f[3], err)
		}
		if t.byKey[keyOf(r.NewCode)] == nil {
			return fmt.Errorf("divisions: renames.tsv line %d: %s is not in today's table", i+1, r.NewCode)
		}
		t.renamed[r.OldName] = append(t.renamed[r.OldName], r)
		index(t.starts, &t.longest, r.OldName)
		t.renamedCode[keyOf(r.OldCode)] = r
	}
	return nil
}

// keyOf strips a code's zero padding to its significant digits: 410000 →
// 41, 410300 → 4103, 410307004000 → 410307004.
func keyOf(code string) string {
	switch len(code) {
	case 12:
		code = strings.TrimSuffix(code, "000")
	}
	if len(code) == 9 {
		return code
	}
	for len(code) > 2 && strings.HasSuffix(code, "00") {
		code = code[:len(code)-2]
	}
	return code
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// loadTowns reads the township table (lazily: it is most of the data).
type townTable struct {
	byName  map[string][]*Division
	byKey   map[string]*Division
	starts  map[string]bool // as table.starts
	longest int
}

func loadTowns() (*townTable, error) {
	t, err := load()
	if err != nil {
		return nil, err
	}
	townOnce.Do(func() {
		tt := &townTable{byName: make(map[string][]*Division, 42000), byKey: make(map[string]*Division, 42000),
			starts: make(map[string]bool, 20000)}
		m := tt.byName
		err := build.Lines(townshipData, func(line string) error {
			f := strings.Split(line, "\t")
			prefix := f[0]
			parent := t.byKey[prefix]
			if parent == nil {
				parent = t.parentOf(prefix)
			}
			if parent == nil {
				return fmt.Errorf("townships under %s: no parent division", prefix)
			}
			for _, e := range f[1:] {
				if len(e) < 4 {
					return fmt.Errorf("bad township entry %q", e)
				}
				d := &Division{key: prefix + e[:3], Name: e[3:], Level: Township, Parent: parent}
				m[d.Name] = append(m[d.Name], d)
				index(tt.starts, &tt.longest, d.Name)
				// 漓东街道办事处 is written 漓东街道 as often as not.
				if short, ok := strings.CutSuffix(d.Name, "办事处"); ok {
					m[short] = append(m[short], d)
				}
				tt.byKey[d.key] = d
			}
			return nil
		})
		if err != nil {
			townErr = fmt.Errorf("divisions: embedded township table: %w", err)
			return
		}
		towns = tt
	})
	return towns, townErr
}

// ByCode returns the division with the given code (2–12 digits, zero
// padding optional: 41, 410000, 4103, 410307, 410307004), or the division a
// former code went into (410381, 偃师市 until 2021 → 偃师区). nil when the
// code is unknown.
func ByCode(code string) *Division {
	t, err := load()
	if err != nil || !isDigits(code) {
		return nil
	}
	k := keyOf(code)
	if d := t.byKey[k]; d != nil {
		return d
	}
	if r, ok := t.renamedCode[k]; ok {
		return t.byKey[keyOf(r.NewCode)]
	}
	if len(k) == 9 {
		ts, err := loadTowns()
		if err != nil {
			return nil
		}
		return ts.byKey[k]
	}
	return nil
}

// Names returns a configured or given region as place names: a division
// code is written out (410307 → 河南省洛阳市偃师区, the text a report's
// region shows); anything else is returned as it is.
func Names(region string) string {
	if !isDigits(region) {
		return region
	}
	if d := ByCode(region); d != nil {
		return d.FullName()
	}
	return region
}

// Renamed returns the recorded changes whose old name is name.
func Renamed(name string) []Rename {
	t, err := load()
	if err != nil {
		return nil
	}
	return t.renamed[name]
}

// Renames returns every recorded change, oldest first.
func Renames() []Rename {
	t, err := load()
	if err != nil {
		return nil
	}
	var out []Rename
	for _, rs := range t.renamed {
		out = append(out, rs...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		return out[i].OldCode < out[j].OldCode
	})
	return out
}

// Counties returns the county-level divisions inside d (all of them for
// nil), by code: the governments that owe a report each year.
func Counties(d *Division) []*Division {
	t, err := load()
	if err != nil {
		return nil
	}
	if d != nil && d.Level >= County {
		if d.Level == County {
			return []*Division{d}
		}
		return nil
	}
	var out []*Division
	for _, x := range t.all {
		if x.Level == County && (d == nil || x.Within(d)) {
			out = append(out, x)
		}
	}
	return out
}

// Err reports a problem with the embedded tables (none in a correct build).
func Err() error {
	if _, err := load(); err != nil {
		return err
	}
	_, err := loadTowns()
	return err
}
