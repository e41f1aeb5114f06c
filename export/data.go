package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// maxWarnings caps Stats.Warnings so a broken archive cannot grow it
// without bound.
const maxWarnings = 100

func (s *Stats) warn(format string, args ...any) {
	s.WarningCount++
	if len(s.Warnings) < maxWarnings {
		s.Warnings = append(s.Warnings, fmt.Sprintf(format, args...))
	}
}

// decode reads a document's parsed report; a corrupt one is reported as a
// warning and exported without numbers rather than aborting the export.
func decode(d *archive.Document, st *Stats) *query.Report {
	rep, err := query.DecodeReport(d.Parsed)
	if err != nil {
		st.warn("report %s: parsed data unreadable, exported without numbers: %v", d.ID, err)
		return nil
	}
	return rep
}

func exportCSV(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, opts Options) (Stats, error) {
	var st Stats
	bw := bufio.NewWriter(w)
	bw.WriteString(query.BOM)
	cw := csv.NewWriter(bw)
	if err := cw.Write(TidyHeader); err != nil {
		return st, err
	}
	err := query.Each(ctx, a, refs, func(i int, d *archive.Document) error {
		st.Reports++
		if rep := decode(d, &st); rep != nil {
			n, err := writeTidy(cw, d, rep)
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
	cw.Flush()
	if err := cw.Error(); err != nil {
		return st, fmt.Errorf("write csv: %w", err)
	}
	return st, bw.Flush()
}

func exportXLSX(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, opts Options) (Stats, error) {
	var st Stats
	db, err := newDataBook(opts.TmpDir)
	if err != nil {
		return st, err
	}
	defer db.close()
	err = query.Each(ctx, a, refs, func(i int, d *archive.Document) error {
		st.Reports++
		if err := db.addReport(d, decode(d, &st)); err != nil {
			return err
		}
		opts.progress(i+1, len(refs))
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, db.writeTo(w)
}

// JSONLine is one line of an .jsonl export: the query record plus the
// parsed report (docs/schema.md) exactly as stored, or null.
type JSONLine struct {
	query.Record
	Parsed json.RawMessage `json:"parsed"`
}

func exportJSONL(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, opts Options) (Stats, error) {
	var st Stats
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := query.Each(ctx, a, refs, func(i int, d *archive.Document) error {
		st.Reports++
		line := JSONLine{Record: query.NewRecord(d), Parsed: d.Parsed}
		if len(line.Parsed) == 0 || !json.Valid(line.Parsed) {
			if len(line.Parsed) != 0 {
				st.warn("report %s: parsed data is not valid JSON, exported as null", d.ID)
			}
			line.Parsed = json.RawMessage("null")
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("report %s: %w", d.ID, err)
		}
		opts.progress(i+1, len(refs))
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, bw.Flush()
}
