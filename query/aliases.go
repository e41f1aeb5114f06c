package query

import (
	"sort"
	"strings"

	"github.com/nianbao/nianbao/internal/textfold"
)

// Alias is one group of names that mean the same kind of body. Canonical is
// the usual full name; Variants are the other spellings and short forms
// (the canonical name is implied). Matching is by containment inside a
// body name, so "洛阳市工信局" matches the 工业和信息化局 group.
type Alias struct {
	Canonical string
	Variants  []string
}

// Aliases is the documented alias table (query/ALIASES.md mirrors it; a
// test keeps the two in step). Only names that unambiguously denote the
// same office are grouped; predecessor names that were merged into a new
// office in the 2018 reform (环保局 → 生态环境局, 国土资源局 → 自然资源局,
// 农业局 → 农业农村局) are included so series run across the rename.
var Aliases = []Alias{
	{"工业和信息化局", []string{"工信局", "工业信息化局", "工业和信息化委员会", "工信委"}},
	{"人力资源和社会保障局", []string{"人社局", "人力资源社会保障局", "人力社保局"}},
	{"发展和改革委员会", []string{"发改委", "发展改革委员会", "发展改革委", "发展和改革局", "发改局"}},
	{"住房和城乡建设局", []string{"住建局", "住房城乡建设局", "住房和城乡建设委员会", "住建委"}},
	{"市场监督管理局", []string{"市场监管局", "市监局"}},
	{"生态环境局", []string{"环保局", "环境保护局"}},
	{"卫生健康委员会", []string{"卫健委", "卫生健康委", "卫生和健康委员会", "卫生健康局", "卫健局"}},
	{"自然资源局", []string{"自然资源和规划局", "自然资源规划局", "自规局", "国土资源局", "国土局"}},
	{"农业农村局", []string{"农业农村委员会", "农业农村委", "农委", "农业局"}},
	{"教育体育局", []string{"教体局", "教育和体育局"}},
	{"文化广电和旅游局", []string{"文广旅局", "文化广电旅游局", "文广新旅局", "文旅局", "文化和旅游局"}},
	{"交通运输局", []string{"交通局", "交运局"}},
	{"应急管理局", []string{"应急局"}},
	{"退役军人事务局", []string{"退役军人局", "退役军人事务管理局"}},
	{"医疗保障局", []string{"医保局"}},
	{"城市管理局", []string{"城管局", "城市管理综合执法局", "城市管理和综合执法局"}},
	{"民族宗教事务局", []string{"民宗局", "民族宗教局"}},
	{"科学技术局", []string{"科技局"}},
	{"政务服务和大数据管理局", []string{"政务服务和数据管理局", "政务服务数据管理局", "政数局", "大数据局", "大数据管理局"}},
	{"人民政府办公室", []string{"政府办公室", "政府办"}},
	{"街道办事处", []string{"街道办"}},
}

// aliasVariant is one spelling mapped to its group token.
type aliasVariant struct {
	text  string // normalized spelling
	token string // private-use rune standing for the group
}

// variants are all spellings, longest first, so "人民政府办公室" wins over
// "政府办公室" and "政府办" at the same position.
var variants = func() []aliasVariant {
	var out []aliasVariant
	for i, a := range Aliases {
		// A Private Use Area rune never occurs in a real name.
		tok := string(rune(0xE000 + i))
		for _, v := range append([]string{a.Canonical}, a.Variants...) {
			out = append(out, aliasVariant{textfold.Fold(v, textfold.Name), tok})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].text) > len(out[j].text) })
	return out
}()

// tokenize replaces every alias spelling in a normalized string by its
// group token, scanning left to right and preferring the longest spelling.
func tokenize(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		matched := false
		for _, v := range variants {
			if strings.HasPrefix(s[i:], v.text) {
				b.WriteString(v.token)
				i += len(v.text)
				matched = true
				break
			}
		}
		if !matched {
			_, size := firstRune(s[i:])
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 1
}

// BodyMatches reports whether a --body query q matches a body name: the
// full name, any part of it, or the same with short forms and full names
// exchanged per Aliases (both directions). An empty q matches everything.
func BodyMatches(q, body string) bool {
	nq := textfold.Fold(q, textfold.Name)
	if nq == "" {
		return true
	}
	nb := textfold.Fold(body, textfold.Name)
	if nb == "" {
		return false
	}
	if strings.Contains(nb, nq) {
		return true
	}
	if strings.Contains(tokenize(nb), tokenize(nq)) {
		return true
	}
	// "河南省人民政府" is the body a report titled "河南省2023年…" names
	// "河南省": equal once the government suffix is dropped (equality only,
	// or "河南省人民政府" would match every 河南省 department).
	return GroupKey(body) == GroupKey(q)
}

// regionSuffixes end the name of an administrative area.
var regionSuffixes = []string{"省", "市", "区", "县", "旗", "州", "盟", "镇", "乡", "街道"}

// GroupKey is the key that lines up one body's reports across years: the
// Canonical name, with a trailing 人民政府 / 政府 dropped after an area
// name (a government's reports are titled "河南省…" as often as
// "河南省人民政府…").
func GroupKey(body string) string {
	c := Canonical(body)
	for _, suf := range []string{"人民政府", "政府"} {
		rest, ok := strings.CutSuffix(c, suf)
		if !ok {
			continue
		}
		for _, r := range regionSuffixes {
			if strings.HasSuffix(rest, r) {
				return rest
			}
		}
	}
	return c
}

// Canonical rewrites every alias spelling in a body name to its group's
// canonical name ("洛阳市工信局" → "洛阳市工业和信息化局"): the key used to
// line up one body's reports across years when its name is abbreviated in
// some of them.
func Canonical(body string) string {
	t := tokenize(textfold.Fold(body, textfold.Name))
	var b strings.Builder
	for _, r := range t {
		if r >= 0xE000 && int(r-0xE000) < len(Aliases) {
			b.WriteString(textfold.Fold(Aliases[r-0xE000].Canonical, textfold.Name))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
