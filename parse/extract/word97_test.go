package extract

import (
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
	"unicode/utf16"
)

// A tiny Word-97 writer for tests: each paragraph is its own piece
// (8-bit "compressed" or UTF-16) and gets its own PAPX run.
type w97para struct {
	text       string // including the final mark (\r or \x07)
	compressed bool
	grpprl     []byte
}

func sprm(id uint16, op ...byte) []byte {
	return append(binary.LittleEndian.AppendUint16(nil, id), op...)
}

func itap(n int32) []byte { return sprm(0x6649, binary.LittleEndian.AppendUint32(nil, uint32(n))...) }

// tdef builds an sprmTDefTable with the given cell edges and TC80 flags.
func tdef(edges []int16, flags []uint16) []byte {
	op := []byte{byte(len(edges) - 1)}
	for _, e := range edges {
		op = binary.LittleEndian.AppendUint16(op, uint16(e))
	}
	for _, f := range flags {
		tc := make([]byte, 20)
		binary.LittleEndian.PutUint16(tc, f)
		op = append(op, tc...)
	}
	b := binary.LittleEndian.AppendUint16(nil, 0xD608)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(op)+1))
	return append(b, op...)
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func buildDOC(t testing.TB, paras []w97para, data []byte, flags uint16) []byte {
	t.Helper()
	const textStart = 1024
	wd := make([]byte, textStart)
	var cps []uint32
	var pcds []byte
	type run struct {
		start, end uint32
		grpprl     []byte
	}
	var runs []run
	cp := uint32(0)
	for _, p := range paras {
		fc := uint32(len(wd))
		var n uint32
		if p.compressed {
			for i := 0; i < len(p.text); i++ { // bytes: "\x93" is cp1252 “
				wd = append(wd, p.text[i])
				n++
			}
		} else {
			for _, u := range utf16.Encode([]rune(p.text)) {
				wd = binary.LittleEndian.AppendUint16(wd, u)
				n++
			}
		}
		cps = append(cps, cp)
		fcField := fc
		if p.compressed {
			fcField = fc*2 | 0x40000000
		}
		pcd := make([]byte, 8)
		binary.LittleEndian.PutUint32(pcd[2:], fcField)
		pcds = append(pcds, pcd...)
		runs = append(runs, run{fc, uint32(len(wd)), p.grpprl})
		cp += n
	}
	cps = append(cps, cp)
	// FKP pages, a few runs each.
	for len(wd)%512 != 0 {
		wd = append(wd, 0)
	}
	var plcFCs, plcPNs []uint32
	for i := 0; i < len(runs); i += 8 {
		chunk := runs[i:min(i+8, len(runs))]
		page := make([]byte, 512)
		crun := len(chunk)
		top := 511
		for j, r := range chunk {
			binary.LittleEndian.PutUint32(page[4*j:], r.start)
			binary.LittleEndian.PutUint32(page[4*(j+1):], r.end)
			body := append([]byte{0, 0}, r.grpprl...) // istd 0
			var papx []byte
			if len(body)%2 == 1 {
				papx = append([]byte{byte((len(body) + 1) / 2)}, body...)
			} else {
				papx = append([]byte{0, byte(len(body) / 2)}, body...)
			}
			top -= len(papx)
			top &^= 1
			if top < 4*(crun+1)+13*crun {
				t.Fatal("buildDOC: FKP page overflow")
			}
			copy(page[top:], papx)
			page[4*(crun+1)+13*j] = byte(top / 2)
		}
		page[511] = byte(crun)
		plcFCs = append(plcFCs, chunk[0].start)
		plcPNs = append(plcPNs, uint32(len(wd)/512))
		wd = append(wd, page...)
		if i+8 >= len(runs) {
			plcFCs = append(plcFCs, chunk[len(chunk)-1].end)
		}
	}
	// Table stream: PlcBtePapx then CLX.
	var tbl []byte
	fcPapx := uint32(len(tbl))
	for _, fc := range plcFCs {
		tbl = binary.LittleEndian.AppendUint32(tbl, fc)
	}
	for _, pn := range plcPNs {
		tbl = binary.LittleEndian.AppendUint32(tbl, pn)
	}
	lcbPapx := uint32(len(tbl)) - fcPapx
	fcClx := uint32(len(tbl))
	var plc []byte
	for _, c := range cps {
		plc = binary.LittleEndian.AppendUint32(plc, c)
	}
	plc = append(plc, pcds...)
	tbl = append(tbl, 0x02)
	tbl = binary.LittleEndian.AppendUint32(tbl, uint32(len(plc)))
	tbl = append(tbl, plc...)
	lcbClx := uint32(len(tbl)) - fcClx
	// FIB.
	le := binary.LittleEndian
	le.PutUint16(wd[0:], 0xA5EC)
	le.PutUint16(wd[2:], 0xC1)
	le.PutUint16(wd[0x0A:], 0x0200|flags) // fWhichTblStm: 1Table
	le.PutUint16(wd[32:], 14)
	pos := 34 + 28
	le.PutUint16(wd[pos:], 22)
	le.PutUint32(wd[pos+2+12:], cp) // ccpText
	pos += 2 + 88
	le.PutUint16(wd[pos:], 93)
	blob := pos + 2
	le.PutUint32(wd[blob+13*8:], fcPapx)
	le.PutUint32(wd[blob+13*8+4:], lcbPapx)
	le.PutUint32(wd[blob+33*8:], fcClx)
	le.PutUint32(wd[blob+33*8+4:], lcbClx)
	names := []string{"WordDocument", "1Table"}
	streams := map[string][]byte{"WordDocument": wd, "1Table": tbl}
	if data != nil {
		names = append(names, "Data")
		streams["Data"] = data
	}
	return buildCFB(names, streams)
}

// syntheticDOC covers field codes, an 8-bit piece, merged cells via
// sprmTDefTable, sprmPHugePapx and a nested table in a layout cell.
func syntheticDOC() ([]w97para, []byte) {
	inTbl := sprm(0x2416, 1)
	ttp := cat(inTbl, sprm(0x2417, 1))
	// Row 3's properties live in the Data stream behind sprmPHugePapx.
	hugeProps := cat(ttp, tdef([]int16{0, 1000, 2000, 3000}, nil))
	data := append(make([]byte, 16), binary.LittleEndian.AppendUint16(nil, uint16(len(hugeProps)))...)
	data = append(data, hugeProps...)
	paras := []w97para{
		{text: "一、\x13 PAGE \\* MERGEFORMAT \x14总体\x15情况\r"},
		{text: "abc\x93q\x94\x0bnext\r", compressed: true},
		// Row 1: a cell over two grid columns (vertical-merge restart), then "a".
		{text: "合并\x07", grpprl: inTbl}, {text: "a\x07", grpprl: inTbl},
		{text: "\x07", grpprl: cat(ttp, tdef([]int16{0, 2000, 3000}, []uint16{0x60, 0}))},
		// Row 2: continuation of the merge, then "b".
		{text: "\x07", grpprl: inTbl}, {text: "b\x07", grpprl: inTbl},
		{text: "\x07", grpprl: cat(ttp, tdef([]int16{0, 2000, 3000}, []uint16{0x20, 0}))},
		// Row 3, three single cells; its row mark uses sprmPHugePapx.
		{text: "x\x07", grpprl: inTbl}, {text: "y\x07", grpprl: inTbl}, {text: "z\x07", grpprl: inTbl},
		{text: "\x07", grpprl: sprm(0x6646, 16, 0, 0, 0)},
		{text: "表后\r"},
		// A one-cell layout table holding a nested 2-cell table.
		{text: "1\r", grpprl: cat(inTbl, itap(2), sprm(0x244B, 1))},
		{text: "2\r", grpprl: cat(inTbl, itap(2), sprm(0x244B, 1))},
		{text: "\r", grpprl: cat(inTbl, itap(2), sprm(0x244B, 1), sprm(0x244C, 1), tdef([]int16{0, 500, 1000}, nil))},
		{text: "\x07", grpprl: cat(inTbl, itap(1))},
		{text: "\x07", grpprl: cat(ttp, itap(1), tdef([]int16{0, 1000}, nil))},
		{text: "结尾\r"},
	}
	return paras, data
}

func TestDOCSynthetic(t *testing.T) {
	T, F := true, false
	paras, data := syntheticDOC()
	d, err := DOC(buildDOC(t, paras, data, 0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Text: "一、总体情况"},
		{Text: "abc“q”\nnext"},
		{Rows: [][]string{{"合并", "合并", "a"}, {"合并", "合并", "b"}, {"x", "y", "z"}},
			Spanned: [][]bool{{F, T, F}, {T, T, F}, {F, F, F}},
			Pos: [][]Pos{{cellAt(0, 0, 0), cellAt(0, 0, 0), cellAt(0, 0, 1)}, {cellAt(0, 0, 0), cellAt(0, 0, 0), cellAt(0, 1, 1)},
				{cellAt(0, 2, 0), cellAt(0, 2, 1), cellAt(0, 2, 2)}}},
		{Text: "表后"},
		{Rows: [][]string{{"1", "2"}}, Spanned: [][]bool{{F, F}}, Pos: [][]Pos{{cellAt(2, 0, 0), cellAt(2, 0, 1)}}},
		{Text: "结尾"},
	}
	if !reflect.DeepEqual(d.Blocks, want) {
		t.Errorf("blocks\n got %+v\nwant %+v", d.Blocks, want)
	}

	// The same file with fEncrypted or fObfuscated set.
	for _, fl := range []uint16{0x0100, 0x8000} {
		d, err := DOC(buildDOC(t, paras, data, fl), Options{})
		if !errors.Is(err, ErrEncrypted) || d == nil || !d.Encrypted {
			t.Errorf("flags %#x: err %v, doc %+v; want ErrEncrypted", fl, err, d)
		}
	}
	// A broken HugePapx offset is a warning, not a failure.
	bad := append([]w97para(nil), paras...)
	bad[11] = w97para{text: "\x07", grpprl: sprm(0x6646, 0xFF, 0xFF, 0, 0)}
	d, err = DOC(buildDOC(t, bad, data, 0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) == 0 || d.Warnings[0].Code != "doc_hugepapx" {
		t.Errorf("warnings %+v, want doc_hugepapx", d.Warnings)
	}
}
