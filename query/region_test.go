package query

import (
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
)

// resolved returns a document whose region is resolved as ingest does it.
func resolved(site, body string) *archive.Document {
	d := &archive.Document{Body: body, Region: site, HintRegion: site}
	if dv := divisions.Resolve(divisions.Input{Site: site, Body: body}).Division; dv != nil {
		d.RegionCode, d.RegionPath, d.RegionLevel = dv.Code(), dv.Path(), dv.Level.String()
	}
	return d
}

func TestRegionFilterByDivision(t *testing.T) {
	yanshiBureau := resolved("", "偃师区工业和信息化局") // region text empty: only the body names the place
	mengjin := resolved("河南省洛阳市", "孟津区财政局")
	shijiazhuang := resolved("河北省石家庄市", "新华区人民政府")
	unresolved := &archive.Document{Body: "偃师区民政局", Region: "偃师区"}
	if yanshiBureau.RegionCode != "410307" || mengjin.RegionCode != "410308" || shijiazhuang.RegionCode != "130105" {
		t.Fatalf("fixture: %s %s %s", yanshiBureau.RegionCode, mengjin.RegionCode, shijiazhuang.RegionCode)
	}
	tests := []struct {
		q    string
		d    *archive.Document
		want bool
	}{
		{"洛阳市", yanshiBureau, true}, // a higher level finds the county's bureaus
		{"河南省", yanshiBureau, true},
		{"410307", yanshiBureau, true}, // by code
		{"4103", mengjin, true},
		{"410300", mengjin, true},
		{"410307", mengjin, false},
		{"偃师区", mengjin, false},
		{"偃师市", yanshiBureau, true},    // the former name
		{"410381", yanshiBureau, true}, // the former code
		{"新华区", shijiazhuang, true},    // any of the divisions so named
		{"河南省", shijiazhuang, false},
		{"130105", shijiazhuang, true},
		{"石家庄市新华区", shijiazhuang, true},
		// an unresolved document is matched on its text, by name or by code
		{"偃师区", unresolved, true},
		{"410307", unresolved, true},
		{"410308", unresolved, false},
		// text that names no division still matches text
		{"偃师", yanshiBureau, true},
	}
	for _, tc := range tests {
		if got := (Filter{Region: tc.q}).Match(tc.d); got != tc.want {
			t.Errorf("--region %s on %s (%s): %v, want %v", tc.q, tc.d.Body, tc.d.RegionCode, got, tc.want)
		}
	}
}
