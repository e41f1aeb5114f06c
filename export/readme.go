package export

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeReadme describes the bundle: where it came from, what each file
// and column holds, and how to cite and verify it.
func writeReadme(w io.Writer, st Stats, opts Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, `nianbao 年报 export — 政府信息公开工作年度报告 (government information-disclosure annual reports)

Exported: %s (UTC)
Selection: %s
Reports: %d    Original files: %d (%d bytes)    Data rows (data.csv): %d

Source
  Every original file was fetched from the government portal named in manifest.csv
  (source_url; final_url after redirects) at retrieved_at_utc, and is copied here
  byte for byte from the nianbao archive. Its SHA-256 is in manifest.csv: check a
  copy with "sha256sum FILE" (Linux/macOS) or "certutil -hashfile FILE SHA256"
  (Windows). The numbers in data.csv / data.xlsx were read from those files by the
  nianbao parser; when a number could not be read it is left EMPTY (null), never 0.
  Check important numbers against the original before publishing.

Layout
  {year}/{body}/{title}.{ext}      the original files (PDF, Word, the web page …);
                                   names are made safe for every operating system
                                   (forbidden characters → "_", length capped,
                                   duplicates numbered " (2)")
  text/{year}/{body}/{title}.txt   text of each parsed report (sections 一, 五, 六
                                   and the tables), generated from the parse
  manifest.csv / manifest.xlsx     one row per original file
  data.csv                         tidy data: one row per report × table × row × column
  data.xlsx                        wide data: one sheet per table, one row per report
  README.txt                       this file

CSV files are UTF-8 with a byte-order mark, so Excel shows Chinese correctly. In
the CSV files, text cells that begin with = + - @ get a leading ' so spreadsheets
never run them as formulas (the .xlsx files hold such text as plain text).

manifest.csv columns (manifest.xlsx: row 1 Chinese, row 2 these keys)
  id                report id in the nianbao archive (crawler show ID)
  body              issuing body 发布机关
  region            region 地区 as the site or the report wrote it
  region_code       the region's official division code 区划代码 (GB/T 2260: 410307;
                    townships 9 digits), empty when it could not be resolved
  region_path       the division's names from the province down: 河南省 › 洛阳市 › 偃师区
  year              data year 年度 (the report covers this year; published the next)
  title             title 标题 as listed on the portal
  file              path of the copy inside this bundle (empty: not archived)
  role              page (the web page of the report) or attachment
  source_url        URL the file was fetched from
  final_url         URL after redirects
  retrieved_at_utc  when nianbao fetched it (UTC, RFC 3339)
  published_at      publication date shown on the portal (YYYY-MM-DD, may be empty)
  sha256            SHA-256 of the file's bytes
  media_type        file type judged from its content
  size              bytes
  parse_status      ok, partial, needs_ocr, failed, not_report, or empty (not parsed)
  failed_checks     how many of the report's own arithmetic rules fail (docs/format.md §5)
  citation          a ready reference (GB/T 7714 style): 责任者. 题名[EB/OL]. (发布日期)[引用日期]. 网址.

data.csv columns
  report_id, body, region, region_code, region_path, year, format
                 the report (region_code, region_path: as in manifest.csv; format: 2021,
                 2019, legacy, unknown)
  table          active (二、主动公开政府信息情况), requests (三、收到和处理政府信息公开申请情况),
                 review_litigation (四、政府信息公开行政复议、行政诉讼情况)
  table_label    the section heading in Chinese
  row_key        schema key of the row, e.g. new, withheld.state_secret, regulations, review
  row_label      the row label in Chinese
  column_key     schema key of the column, e.g. natural_person, total, issued, upheld
  column_label   the column label in Chinese
  value          the number; empty = null (blank, "/" or unreadable in the report)

data.xlsx sheets
  reports             one row per report: ids, title, URL, dates, the text of 一/五/六,
                      region_code and region_path (as in manifest.csv)
  active              section 二; 2021-format and 2019-format columns side by side
  requests            section 三; one column per row × applicant column
  review_litigation   section 四; 行政复议 / 直接起诉 / 复议后起诉 × 维持/纠正/其他/尚未审结/总计
  Row 1 holds Chinese labels, row 2 the schema keys (row_key.column_key); data
  start at row 3. Local extra rows (active.extra) are only in data.csv.

Keys and labels follow docs/schema.md of the nianbao project ("nianbao.report/1").
`, opts.Now.Format(time.DateTime), firstNonEmpty(opts.Query, "(all reports)"), st.Reports, st.Files, st.Bytes, st.Rows)
	if st.WarningCount > 0 {
		fmt.Fprintf(&b, "\nWarnings (%d):\n", st.WarningCount)
		for _, wr := range st.Warnings {
			fmt.Fprintf(&b, "  - %s\n", wr)
		}
		if st.WarningCount > len(st.Warnings) {
			fmt.Fprintf(&b, "  … and %d more\n", st.WarningCount-len(st.Warnings))
		}
	}
	// Windows Notepad and most editors read UTF-8 fine; CRLF keeps old
	// Notepad from showing one long line.
	_, err := io.WriteString(w, strings.ReplaceAll(b.String(), "\n", "\r\n"))
	return err
}
