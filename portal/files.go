package portal

import (
	"archive/zip"
	"bytes"
	"embed"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// assets are copies of testdata/samples (the same report in every
// container). Every attachment the portal serves is one of them made
// distinct per report and version, deterministically.
//
//go:embed assets/*
var assets embed.FS

func asset(name string) []byte {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		panic(fmt.Sprintf("portal: missing embedded asset %s: %v", name, err)) // build-time invariant
	}
	return b
}

// Sample PDFs by producer; reports rotate through them.
var pdfSamples = []string{"report-lo-wqy.pdf", "report-lo-notocjk.pdf", "report-chromium-cid.pdf"}

var fileCache sync.Map // key string -> []byte

func cached(key string, make func() []byte) []byte {
	if v, ok := fileCache.Load(key); ok {
		return v.([]byte)
	}
	b := make()
	fileCache.Store(key, b)
	return b
}

// pdfVariant appends a PDF comment line after %%EOF: readers ignore it,
// the bytes (and SHA-256) become unique to the report and version.
func pdfVariant(sample, id string, version int) []byte {
	return cached(fmt.Sprintf("pdf|%s|%s|%d", sample, id, version), func() []byte {
		src := asset(sample)
		out := make([]byte, 0, len(src)+64)
		out = append(out, src...)
		return fmt.Appendf(out, "%% nianbao-portal %s v%d\n", id, version)
	})
}

// docVariant appends one 512-byte sector to the OLE file: the FAT does not
// reference it, so readers (mscfb, Word) ignore it.
func docVariant(id string, version int) []byte {
	return cached(fmt.Sprintf("doc|%s|%d", id, version), func() []byte {
		src := asset("report.doc")
		out := make([]byte, len(src), len(src)+512)
		copy(out, src)
		pad := make([]byte, 512)
		copy(pad, fmt.Sprintf("nianbao-portal %s v%d", id, version))
		return append(out, pad...)
	})
}

// docxVariant rewrites docProps/core.xml (title and revision); every other
// entry is copied raw, so the output is deterministic.
func docxVariant(title, id string, version int) []byte {
	return cached(fmt.Sprintf("docx|%s|%s|%d", title, id, version), func() []byte {
		src := asset("report.docx")
		zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
		if err != nil {
			panic(fmt.Sprintf("portal: sample docx: %v", err))
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			if f.Name == "docProps/core.xml" {
				rc, err := f.Open()
				if err != nil {
					panic(fmt.Sprintf("portal: sample docx core.xml: %v", err))
				}
				core, _ := io.ReadAll(rc)
				rc.Close()
				s := strings.Replace(string(core), "<dc:title/>", "<dc:title>"+esc(title)+"</dc:title>", 1)
				s = strings.Replace(s, "<cp:revision>1</cp:revision>", fmt.Sprintf("<cp:revision>%d</cp:revision>", version+1), 1)
				s = strings.Replace(s, "<cp:keywords/>", "<cp:keywords>"+esc(id)+"</cp:keywords>", 1)
				fh := f.FileHeader
				w, err := zw.CreateHeader(&fh)
				if err != nil {
					panic(fmt.Sprintf("portal: docx write: %v", err))
				}
				_, _ = w.Write([]byte(s))
				continue
			}
			raw, err := f.OpenRaw()
			if err != nil {
				panic(fmt.Sprintf("portal: sample docx entry %s: %v", f.Name, err))
			}
			fh := f.FileHeader
			w, err := zw.CreateRaw(&fh)
			if err != nil {
				panic(fmt.Sprintf("portal: docx write: %v", err))
			}
			_, _ = io.Copy(w, raw)
		}
		if err := zw.Close(); err != nil {
			panic(fmt.Sprintf("portal: docx close: %v", err))
		}
		return buf.Bytes()
	})
}

// statsSheet is a 统计表 spreadsheet for a report (the second attachment of
// a two-attachment report). It is an OOXML workbook even when the URL says
// .xls, as on real portals: dispatch by content, not extension.
func statsSheet(title string, d *ReportData, id string, version int) []byte {
	return cached(fmt.Sprintf("xlsx|%s|%s|%d", title, id, version), func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		sh := "Sheet1"
		_ = f.SetCellValue(sh, "A1", title+"附表：政府信息公开情况统计表")
		row := 2
		for _, k := range append(append(append([]string{}, reqHead...), outcomeKeys(d.Format)...), "total", "carried_forward") {
			_ = f.SetCellValue(sh, fmt.Sprintf("A%d", row), reqLabels[k])
			for c, v := range d.Requests[k] {
				cell, _ := excelize.CoordinatesToCellName(c+2, row)
				_ = f.SetCellValue(sh, cell, v)
			}
			row++
		}
		b, err := f.WriteToBuffer()
		if err != nil {
			panic(fmt.Sprintf("portal: xlsx: %v", err))
		}
		return b.Bytes()
	})
}
