package server

import (
	"net/http"
	"strconv"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/query"
)

// Media types of the data downloads.
const (
	ctypeCSV  = "text/csv; charset=utf-8"
	ctypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// exportTable streams docs as `crawler export -o x.csv` / `x.xlsx` does
// (one home for the data layout: package export).
func (s *Server) exportTable(w http.ResponseWriter, r *http.Request, docs []*archive.Document, as string) {
	refs := make([]query.Ref, 0, len(docs))
	for _, d := range docs {
		refs = append(refs, query.Ref{ID: d.ID, Year: d.Year, Body: d.Body, Region: d.Region, Site: d.Site, URL: d.URL})
	}
	format, ctype := export.FormatCSV, ctypeCSV
	if as == "xlsx" {
		format, ctype = export.FormatXLSX, ctypeXLSX
	}
	name := "nianbao-" + s.now().UTC().Format("20060102-150405") + "." + format
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", contentDisposition(name))
	w.Header().Set("X-Nianbao-Reports", strconv.Itoa(len(docs)))
	w.WriteHeader(http.StatusOK)
	if _, err := export.Export(r.Context(), s.arc, refs, w, export.Options{Format: format, Now: s.now()}); err != nil {
		s.log.Error("export failed", "format", format, "err", err)
		panic(http.ErrAbortHandler) // a truncated file must not look complete
	}
}

// writeTable sends a page's table as CSV or XLSX named name.
func (s *Server) writeTable(w http.ResponseWriter, t export.Table, name, as string) {
	ctype, write := ctypeCSV, export.WriteTableCSV
	if as == "xlsx" {
		ctype, write = ctypeXLSX, export.WriteTableXLSX
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", contentDisposition(name+"."+as))
	w.WriteHeader(http.StatusOK)
	if err := write(w, t); err != nil {
		s.log.Error("table download failed", "name", name, "err", err)
		panic(http.ErrAbortHandler)
	}
}
