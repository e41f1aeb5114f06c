package report

import (
	"strings"
	"testing"
)

// Every column of every template has a Chinese label (not its key), and
// the labels are docs/format.md's.
func TestSchemaLabelsEveryField(t *testing.T) {
	for _, tpl := range Templates {
		for _, r := range ActiveRows(tpl.Name) {
			if r.Label == "" || r.Label == r.Key {
				t.Errorf("%s active.%s: no label", tpl.Name, r.Key)
			}
			for _, f := range r.Fields {
				if f.Label == "" || f.Label == f.Key {
					t.Errorf("%s active.%s.%s: no label", tpl.Name, r.Key, f.Key)
				}
			}
		}
	}
	for _, tc := range []struct{ format, field, want string }{
		{Format2021, "decisions", "本年处理决定数量"},
		{Format2019, "decisions", "处理决定数量"},
		{Format2021, "amount_wan_yuan", "本年收费金额（单位：万元）"},
		{FormatLegacy, "issued", "本年制发件数"},
		{Format2021, "amount_unit", "采购总金额单位"},
		{Format2021, "bogus", "bogus"},
	} {
		if got := FieldLabel(tc.format, tc.field); got != tc.want {
			t.Errorf("FieldLabel(%s, %s) = %q, want %q", tc.format, tc.field, got, tc.want)
		}
	}
	if u := ActiveRows(Format2021)[5].Fields[0]; u.Key != "amount_wan_yuan" || u.Unit != "万元" {
		t.Errorf("2021 fees column = %+v, want amount_wan_yuan in 万元", u)
	}
}

// Section 三's rows: every keyed template row once, in print order, the
// numbered sub-rows carrying their group's number.
func TestSchemaRequestRows(t *testing.T) {
	var keys, labels []string
	for _, r := range RequestRows() {
		keys = append(keys, r.Key)
		labels = append(labels, r.Label)
	}
	want := "new carried_over granted partly_granted withheld.state_secret withheld.prohibited_by_law withheld.security_stability " +
		"withheld.third_party withheld.internal_affairs withheld.process_info withheld.enforcement_files withheld.query_matters " +
		"unable.not_held unable.needs_creation unable.unclear not_processed.complaint not_processed.repeated not_processed.publication " +
		"not_processed.excessive not_processed.confirmation other.no_correction other.fee_unpaid other.other other total carried_forward"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("keys\n got %s\nwant %s", got, want)
	}
	for _, tc := range []struct{ key, want string }{
		{"withheld.state_secret", "（三）1.属于国家秘密"},
		{"unable.unclear", "（四）3.补正后申请内容仍不明确"},
		{"not_processed.repeated", "（五）2.重复申请"},
		{"other.other", "（六）3.其他"},
		{"other", "（六）其他处理"},
		{"total", "（七）总计"},
		{"nope", "nope"},
	} {
		if got := RequestLabel(tc.key); got != tc.want {
			t.Errorf("RequestLabel(%s) = %q, want %q", tc.key, got, tc.want)
		}
	}
	g, ok := RequestGroupOf("withheld.third_party")
	if !ok || g.Label != "（三）不予公开" || g.Prefix != "（三）" {
		t.Errorf("group of withheld.third_party = %+v %v", g, ok)
	}
	if _, ok := RequestGroupOf("total"); ok {
		t.Error("total has no group")
	}
	if len(RequestColumnSchema()) != 7 || RequestColumnSchema()[6].Label != "总计" {
		t.Errorf("columns = %+v", RequestColumnSchema())
	}
}
