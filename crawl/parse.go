package crawl

import (
	"bytes"
	"context"
	"fmt"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/sniff"
)

// statusRank orders parse outcomes: the best file of a document wins.
var statusRank = map[string]int{"ok": 5, "partial": 4, "needs_ocr": 3, "failed": 2, "not_report": 1}

// parseDocs parses every document of the site whose content is new or
// changed (ParseStatus ""). It runs at the end of each completed run, so a
// run killed before it leaves the documents for the next run to parse.
func (r *siteRun) parseDocs(ctx context.Context) error {
	if r.e.opts.Parser == nil {
		return nil
	}
	docs, err := r.st.FindDocuments(archive.Query{Site: r.site.Name})
	if err != nil {
		return fmt.Errorf("list documents of %s: %w", r.site.Name, err)
	}
	for _, d := range docs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.ParseStatus != "" || len(d.Files) == 0 {
			continue
		}
		out, ok := r.parseDoc(ctx, d)
		if !ok {
			continue
		}
		err := r.st.UpdateDocument(d.ID, func(d *archive.Document) error {
			d.ParseStatus, d.Format, d.FailedChecks = out.Status, out.Format, out.FailedChecks
			d.Warnings, d.Parsed, d.ParserVer = out.Warnings, out.JSON, out.Version
			if d.Year == 0 {
				d.Year = out.Year
			}
			if d.Body == "" {
				d.Body = out.Body
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store parse of %s: %w", d.ID, err)
		}
	}
	return nil
}

// parseDoc parses each file of d (a multi-page article as one HTML) and
// keeps the best result.
func (r *siteRun) parseDoc(ctx context.Context, d *archive.Document) (ParseOutput, bool) {
	var inputs []ParseInput
	var pages [][]byte
	for _, f := range d.Files {
		data, err := r.st.ReadBlob(f.SHA256)
		if err != nil {
			continue
		}
		if f.Role == "page" {
			pages = append(pages, data)
			continue
		}
		if !sniff.IsDocument(f.MediaType) && f.MediaType != sniff.HTML {
			continue
		}
		inputs = append(inputs, ParseInput{Data: data, MediaType: f.MediaType, URL: f.URL, Filename: f.Filename})
	}
	switch len(pages) {
	case 0:
	case 1:
		inputs = append([]ParseInput{{Data: pages[0], MediaType: sniff.HTML, URL: d.URL}}, inputs...)
	default:
		// A report split over t…html and t…_1.html is parsed as one page.
		var b bytes.Buffer
		b.WriteString(`<html><head><meta charset="utf-8"></head><body>`)
		for _, p := range pages {
			b.WriteString(charset.DecodeHTML(p, ""))
		}
		b.WriteString(`</body></html>`)
		inputs = append([]ParseInput{{Data: b.Bytes(), MediaType: sniff.HTML, URL: d.URL}}, inputs...)
	}
	var best ParseOutput
	found := false
	for _, in := range inputs {
		in.Title, in.Site, in.Region = d.Title, d.Site, d.Region
		out, err := r.e.opts.Parser(ctx, in)
		if err != nil {
			out = ParseOutput{Status: "failed", Warnings: []string{err.Error()}}
		}
		if !found || statusRank[out.Status] > statusRank[best.Status] ||
			statusRank[out.Status] == statusRank[best.Status] && out.FailedChecks < best.FailedChecks {
			best, found = out, true
		}
	}
	return best, found
}
