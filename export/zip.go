package export

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/sniff"
)

// Fixed names at the root of the bundle.
const (
	nameReadme       = "README.txt"
	nameManifestCSV  = "manifest.csv"
	nameManifestXLSX = "manifest.xlsx"
	nameDataCSV      = "data.csv"
	nameDataXLSX     = "data.xlsx"
	dirText          = "text"
)

// spool is a temporary CSV (UTF-8 with BOM) written during the pass over
// the reports and copied into the zip at the end: zip entries are written
// one after another, so the tables cannot grow beside the originals.
type spool struct {
	f  *os.File
	bw *bufio.Writer
	cw *csv.Writer
}

func newSpool(dir string, header []string) (*spool, error) {
	f, err := os.CreateTemp(dir, "nianbao-export-*.csv")
	if err != nil {
		return nil, fmt.Errorf("spool file: %w", err)
	}
	s := &spool{f: f, bw: bufio.NewWriterSize(f, 64<<10)}
	s.bw.WriteString(query.BOM)
	s.cw = csv.NewWriter(s.bw)
	if err := s.cw.Write(header); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *spool) copyTo(w io.Writer) error {
	s.cw.Flush()
	if err := s.cw.Error(); err != nil {
		return err
	}
	if err := s.bw.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

func (s *spool) close() {
	name := s.f.Name()
	s.f.Close()
	os.Remove(name)
}

// storeOnly lists media types that are already compressed: deflating them
// again costs CPU for nothing.
func storeOnly(mediaType string) bool {
	switch mediaType {
	case sniff.PDF, sniff.DOCX, sniff.XLSX, sniff.ZIP, sniff.OFD, sniff.JPEG, sniff.PNG, sniff.GIF, sniff.RAR, sniff.SevenZ:
		return true
	}
	return false
}

// fileExt picks the extension from the sniffed media type, falling back to
// the served file name's (.wps, .doc inside an OLE container).
func fileExt(f archive.FileRef) string {
	if e := sniff.Ext(f.MediaType); e != ".bin" {
		return e
	}
	if e := SafeExt(path.Ext(f.Filename)); e != "" {
		return e
	}
	return ".bin"
}

func yearDir(y int) string {
	if y == 0 {
		return "未知年度"
	}
	return strconv.Itoa(y)
}

func bodyDir(body, site string) string {
	return SafeComponent(firstNonEmpty(body, site), "未知机关")
}

func docDirs(d *archive.Document) []string {
	return []string{yearDir(d.Year), bodyDir(d.Body, d.Site)}
}

// byDirectory orders refs so each {year}/{body} directory's reports come
// together (two bodies can share a safe directory name, e.g. "a/b" and
// "a_b", or differ only in case); the Namer then needs to remember one
// directory at a time.
func byDirectory(refs []query.Ref) []query.Ref {
	type keyed struct {
		dir string
		ref query.Ref
	}
	ks := make([]keyed, len(refs))
	for i, r := range refs {
		ks[i] = keyed{strings.ToLower(bodyDir(r.Body, r.Site)), r}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if a.ref.Year != b.ref.Year {
			return cmp.Compare(a.ref.Year, b.ref.Year)
		}
		return cmp.Compare(a.dir, b.dir)
	})
	out := make([]query.Ref, len(ks))
	for i, k := range ks {
		out[i] = k.ref
	}
	return out
}

func docStem(d *archive.Document) string {
	return firstNonEmpty(d.Title, d.ID)
}

func exportZip(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, opts Options) (st Stats, err error) {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newDeflater())
	names := NewNamer()
	for _, n := range []string{nameReadme, nameManifestCSV, nameManifestXLSX, nameDataCSV, nameDataXLSX, dirText} {
		names.Reserve(n)
	}
	manCSV, err := newSpool(opts.TmpDir, ManifestHeader)
	if err != nil {
		return st, err
	}
	defer manCSV.close()
	dataCSV, err := newSpool(opts.TmpDir, TidyHeader)
	if err != nil {
		return st, err
	}
	defer dataCSV.close()

	refs = byDirectory(refs)
	lastDir, closed := "", map[string]bool{}
	err = query.Each(ctx, a, refs, func(i int, d *archive.Document) error {
		st.Reports++
		dirs := docDirs(d)
		if k := strings.ToLower(path.Join(dirs...)); k != lastDir {
			if closed[k] {
				// Refs not grouped by directory (a caller's own order):
				// this report gets a directory of its own rather than
				// risk a name already handed out and forgotten.
				dirs[1] = SafeComponent(truncate(dirs[1], MaxComponentRunes-20, MaxComponentBytes-20)+" "+d.ID, "_")
				k = strings.ToLower(path.Join(dirs...))
			}
			closed[lastDir] = true
			names.Reset()
			lastDir = k
		}
		attachments := 0
		for _, f := range d.Files {
			row := manifestRow{d: d, f: f}
			c, err := fileCapture(a, f)
			if err != nil {
				return err
			}
			row.cap = c
			stem := docStem(d)
			if f.Role != "page" {
				attachments++
				if attachments > 1 && f.Filename != "" {
					stem += " - " + strings.TrimSuffix(f.Filename, path.Ext(f.Filename))
				}
			}
			p := names.Path(dirs, stem, fileExt(f))
			n, err := writeBlob(ctx, a, zw, p, f, row.retrieved())
			switch {
			case errors.Is(err, archive.ErrNotFound):
				st.warn("report %s: file %s (%s) is not in the archive; listed in the manifest without a copy", d.ID, f.URL, f.SHA256)
				p = ""
			case err != nil:
				return fmt.Errorf("report %s file %s: %w", d.ID, f.URL, err)
			default:
				st.Files++
				st.Bytes += n
			}
			row.path = p
			// Raw cells: manifest.csv gets csvSafe at the end, manifest.xlsx
			// the plain text.
			if err := manCSV.cw.Write(row.cells()); err != nil {
				return err
			}
		}
		rep := decode(d, &st)
		var text string
		switch {
		case opts.Text != nil:
			text, err = opts.Text(ctx, d)
		case rep != nil:
			text, err = reportText(d, rep)
		}
		if err != nil {
			st.warn("report %s: no text: %v", d.ID, err)
			text = ""
		}
		if text != "" {
			p := names.Path(append([]string{dirText}, dirs...), docStem(d), ".txt")
			tw, err := zw.CreateHeader(&zip.FileHeader{Name: p, Method: zip.Deflate, Modified: opts.Now})
			if err != nil {
				return err
			}
			if _, err := io.WriteString(tw, text); err != nil {
				return err
			}
		}
		if rep != nil {
			n, err := writeTidy(dataCSV.cw, d, rep)
			if err != nil {
				return err
			}
			st.Rows += n
		}
		opts.progress(i+1, len(refs))
		return nil
	})
	if err != nil {
		return st, err
	}
	for _, e := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{nameManifestCSV, func(w io.Writer) error { return manifestCSV(manCSV, w) }},
		{nameManifestXLSX, func(w io.Writer) error { return manifestXLSX(manCSV, w, opts.TmpDir) }},
		{nameDataCSV, dataCSV.copyTo},
		{nameDataXLSX, func(w io.Writer) error { return dataXLSX(ctx, a, refs, w, opts.TmpDir) }},
		{nameReadme, func(w io.Writer) error { return writeReadme(w, st, opts) }},
	} {
		method := zip.Deflate
		if strings.HasSuffix(e.name, ".xlsx") {
			method = zip.Store // already a zip
		}
		ew, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method, Modified: opts.Now})
		if err != nil {
			return st, err
		}
		if err := e.write(ew); err != nil {
			return st, fmt.Errorf("write %s: %w", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return st, fmt.Errorf("finish zip: %w", err)
	}
	return st, nil
}

// writeBlob copies one stored file into the zip. The archive verifies the
// hash as the last byte is read; a mismatch aborts the export rather than
// ship altered bytes.
func writeBlob(ctx context.Context, a *archive.Archive, zw *zip.Writer, name string, f archive.FileRef, mod time.Time) (int64, error) {
	rc, err := a.OpenBlob(f.SHA256)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	method := zip.Deflate
	if storeOnly(f.MediaType) {
		method = zip.Store
	}
	if mod.IsZero() {
		mod = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	ew, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: mod})
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(ew, ctxReader{ctx, rc})
	if err != nil {
		return n, fmt.Errorf("copy blob %s: %w", f.SHA256, err)
	}
	return n, nil
}

// ctxReader stops a long copy when the export is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// The workbooks are built after the pass over the originals, one at a
// time: excelize keeps up to ~16 MiB per sheet in memory until the
// workbook is written, so building them side by side would add up.

// manifestRows replays the raw manifest spool.
func manifestRows(s *spool, fn func(row []string) error) error {
	s.cw.Flush()
	if err := s.cw.Error(); err != nil {
		return err
	}
	if err := s.bw.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(int64(len(query.BOM)), io.SeekStart); err != nil {
		return err
	}
	r := csv.NewReader(bufio.NewReaderSize(s.f, 64<<10))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // header
		return fmt.Errorf("read manifest spool: %w", err)
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read manifest spool: %w", err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

func manifestCSV(s *spool, w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(query.BOM)
	cw := csv.NewWriter(bw)
	if err := cw.Write(ManifestHeader); err != nil {
		return err
	}
	if err := manifestRows(s, func(row []string) error { return cw.Write(csvSafeAll(row)) }); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// manifestNumeric are the manifest columns written as numbers in Excel.
var manifestNumeric = map[string]bool{"year": true, "size": true, "failed_checks": true}

func manifestXLSX(s *spool, w io.Writer, tmpDir string) error {
	b, err := newBook(tmpDir, "manifest")
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.header("manifest", ManifestLabels, ManifestHeader); err != nil {
		return err
	}
	vals := make([]any, len(ManifestHeader))
	err = manifestRows(s, func(row []string) error {
		for i, v := range row {
			vals[i] = v
			if i < len(ManifestHeader) && manifestNumeric[ManifestHeader[i]] {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					vals[i] = n
				} else if v == "" {
					vals[i] = nil
				}
			}
		}
		return b.add("manifest", vals)
	})
	if err != nil {
		return err
	}
	return b.writeTo(w)
}

// dataXLSX walks the reports a second time (documents only, no blobs).
func dataXLSX(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, tmpDir string) error {
	db, err := newDataBook(tmpDir)
	if err != nil {
		return err
	}
	defer db.close()
	var quiet Stats // unreadable parses were reported in the first pass
	err = query.Each(ctx, a, refs, func(_ int, d *archive.Document) error {
		return db.addReport(d, decode(d, &quiet))
	})
	if err != nil {
		return err
	}
	return db.writeTo(w)
}

// newDeflater returns a zip compressor that reuses one klauspost flate
// writer: entries are written one after another, and archive/zip's own
// sync.Pool is emptied by every GC, which made each small entry allocate
// a fresh ~1 MiB compressor.
func newDeflater() zip.Compressor {
	free := make(chan *flate.Writer, 1)
	return func(w io.Writer) (io.WriteCloser, error) {
		select {
		case fw := <-free:
			fw.Reset(w)
			return &pooledFlate{fw, free}, nil
		default:
		}
		fw, err := flate.NewWriter(w, 5)
		if err != nil {
			return nil, err
		}
		return &pooledFlate{fw, free}, nil
	}
}

type pooledFlate struct {
	*flate.Writer
	free chan *flate.Writer
}

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	select {
	case p.free <- p.Writer:
	default:
	}
	return err
}
