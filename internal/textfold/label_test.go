package textfold

import (
	"strings"
	"testing"
)

func TestLabel(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"},
		{"（一）予以公开：１２３，４５", "(一)予以公开:123,45"},
		{"⼀、本年新收", "一、本年新收"},             // Kangxi radical U+2F00
		{"第⼆⼗条第（⼀）项", "第二十条第(一)项"},       // Kangxi ⼆ ⼗ ⼀
		{"政府資訊公開工作年度報告", "政府资讯公开工作年度报告"}, // traditional
		{"行政規範性檔案", "行政规范性档案"},           // 檔案 rewrite seen on mirrors
		{"結轉下年度繼續辦理", "结转下年度继续办理"},
		{"乾隆年间", "乾隆年间"},                                // 乾 is also simplified: no trigger
		{"  a\u3000\u3000b\u00a0\tc \n d  ", "a b c d"}, // whitespace kinds collapse
		{"自然\u200b人\ufeff", "自然人"},                      // zero-width characters dropped
		{"危及“三安全一稳定”", "危及“三安全一稳定”"},                    // NFKC keeps curly quotes and 、
		{"本年收费金额（单位：万元）", "本年收费金额(单位:万元)"},
	}
	for _, c := range cases {
		if got := Fold(c.in, Label); got != c.want {
			t.Errorf("Fold(%q, Label) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTraditionalTriggerSet(t *testing.T) {
	// Derived from OpenCC's own table: common traditional characters are
	// triggers, characters shared with simplified text are not.
	for _, r := range "資訊報檔結轉繼續辦開發後裡" {
		if !hasTraditional(string(r)) {
			t.Errorf("%c should trigger t2s", r)
		}
	}
	for _, r := range "资讯报档结转继续办开发后里政府信息公开乾著于" {
		if hasTraditional(string(r)) {
			t.Errorf("%c should not trigger t2s", r)
		}
	}
}

func BenchmarkLabel(b *testing.B) {
	simp := strings.Repeat("（二）部分公开（区分处理的，只计这一情形，不计其他情形）１２３ ", 4)
	trad := strings.Repeat("（二）部分公開（區分處理的，只計這一情形，不計其他情形）１２３ ", 4)
	Fold(trad, Label) // load the tables outside the timing
	b.Run("simplified", func(b *testing.B) {
		for b.Loop() {
			Fold(simp, Label)
		}
	})
	b.Run("traditional", func(b *testing.B) {
		for b.Loop() {
			Fold(trad, Label)
		}
	})
	b.Run("opencc-always", func(b *testing.B) {
		for b.Loop() {
			_, _ = t2s().convert(simp)
		}
	})
}

// BenchmarkT2SInit is the one-time cost of loading OpenCC's t2s tables and
// deriving the trigger set, paid lazily by the first Traditional fold that
// meets a character at or above U+3400.
func BenchmarkT2SInit(b *testing.B) {
	for b.Loop() {
		if c := newT2S(); c.err != nil {
			b.Fatal(c.err)
		}
	}
}
