package divisions

import (
	"sync"
	"testing"
)

// BenchmarkResolve is the cost a parsed document pays for its region
// (the tables already loaded).
func BenchmarkResolve(b *testing.B) {
	if err := Err(); err != nil {
		b.Fatal(err)
	}
	in := Input{Site: "河南省洛阳市", Body: "偃师区首阳山街道办事处", Title: "偃师区首阳山街道办事处2023年政府信息公开工作年度报告",
		Text: "2023年，在区委、区政府的正确领导下，首阳山街道办事处认真贯彻落实《中华人民共和国政府信息公开条例》"}
	b.ReportAllocs()
	for b.Loop() {
		if r := Resolve(in); r.Division == nil {
			b.Fatal("unresolved")
		}
	}
}

// BenchmarkLoad is the one-time cost of reading the embedded tables.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		upperOnce, townOnce = sync.Once{}, sync.Once{}
		if err := Err(); err != nil {
			b.Fatal(err)
		}
	}
}
