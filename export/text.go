package export

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// ReportText is the default text of a report in the bundle, built from the
// stored parse: a header naming the source, the free text of sections 一,
// 五 and 六, and the tables as text grids. "" when the report is not
// parsed (the original file is still in the bundle).
func ReportText(d *archive.Document) (string, error) {
	rep, err := query.DecodeReport(d.Parsed)
	if err != nil {
		return "", fmt.Errorf("report %s: %w", d.ID, err)
	}
	return reportText(d, rep)
}

// reportText renders an already decoded report (nil: no text).
func reportText(d *archive.Document, rep *query.Report) (string, error) {
	if rep == nil {
		return "", nil
	}
	var b strings.Builder
	title := rep.Title
	if title == "" {
		title = d.Title
	}
	fmt.Fprintf(&b, "%s\n\n", title)
	fmt.Fprintf(&b, "发布机关 body: %s\n地区 region: %s\n", firstNonEmpty(rep.Body, d.Body), firstNonEmpty(rep.Region, d.Region))
	if d.Year != 0 {
		fmt.Fprintf(&b, "年度 year: %d\n", d.Year)
	}
	fmt.Fprintf(&b, "来源 source: %s\n", d.URL)
	if rep.Source.URL != "" && rep.Source.URL != d.URL {
		fmt.Fprintf(&b, "文件 file: %s\n", rep.Source.URL)
	}
	if rep.Source.SHA256 != "" {
		fmt.Fprintf(&b, "SHA-256: %s\n", rep.Source.SHA256)
	}
	fmt.Fprintf(&b, "nianbao id: %s\n", d.ID)
	sec := func(h, t string) {
		if strings.TrimSpace(t) != "" {
			fmt.Fprintf(&b, "\n%s\n%s\n", h, strings.TrimSpace(t))
		}
	}
	sec("一、总体情况", rep.Sections.Overview)
	for _, tb := range query.Tables {
		cells, err := rep.CellsOf(tb)
		if err != nil {
			return "", fmt.Errorf("report %s: %w", d.ID, err)
		}
		if len(cells) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", query.TableLabels[tb])
		if err := query.Grid(cells).Render(&b); err != nil {
			return "", err
		}
	}
	sec("五、存在的主要问题及改进情况", rep.Sections.Problems)
	sec("六、其他需要报告的事项", rep.Sections.Other)
	return b.String(), nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
