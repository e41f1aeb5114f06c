// Package query answers what a reader asks of the archive: it selects
// documents by issuing body (full name, part of it, or a documented short
// form such as 工信局 ↔ 工业和信息化局; see ALIASES.md), data year or year
// range, region at any level (an official division by name, former name
// or code, through package divisions), site, table format and failed
// checks; finds one document by id or by any URL a reader pastes
// (FindDocument); finds the late or absent reports (--missing); grids who
// in a region published which year's report, late or not (coverage);
// lines a body's tables up across
// years (series, with the soft rule SR1 上年结转 = 上年的结转下年度); decodes
// the parsed-report JSON of docs/schema.md with its Chinese labels; and
// formats results as CJK-width-aware tables, JSON, JSON Lines or CSV.
//
// It reads the archive only (never writes), never fetches, and never
// re-parses files: numbers come from the stored Document.Parsed JSON, and
// a value that is null there stays null here. Selection streams: it keeps
// a small reference per matching document and loads documents one at a
// time, so callers can walk any number of reports in flat memory.
package query
