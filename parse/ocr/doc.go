// Package ocr reads the tables of scanned report pages, and decides which
// of the numbers it read may be given.
//
// A page image (rendered by parse/pdf) is straightened (the tilt that
// sharpens the ink's row profile most), its table rules are found (long
// straight ink runs) and erased, and a Recognizer reads its words with
// their boxes (Tesseract: the tesseract command's TSV output). Each ruled
// table's grid is rebuilt from the rules: rows between horizontal rules,
// columns between vertical ones, cells merged where a rule is absent
// (group labels spanning rows, headers spanning columns), with merged
// cells copied into every position they cover and marked Spanned, as the
// HTML and DOCX readers give them, so parse/report reads OCR'd tables
// with the same grid logic. The page's own reading runs a row's cells
// together and drops isolated digits, so every cell is read again apart
// (pasted on a clean sheet, one recognition for the whole table), and the
// cells of rows of numbers once more as digits only at twice the size. A
// number is kept when both readings agree, or when one is sure and the
// other found no other number; else the cell is left blank: a null,
// never a guess. Words outside the tables are the page's prose lines; a
// header printed one character per line is one cell, so it reads as one
// label; a stamp over a number makes it unreadable (null), never another
// number.
//
// The trust gate (Gate) runs on the parsed report: an OCR'd row of
// section 三 is kept only when the report's arithmetic checks covering it
// (format.md §5: H3 for the row, H1 and H2 for its columns) pass, a group
// of section 四 only when its H4 passes; section 二 has no rule and is
// withheld. CheckNames keeps a body, region or year read by OCR only when
// the site's config, the listing's title or the official divisions (the
// Divisions hook) confirm it.
//
// Recording plays back recorded recognizer answers, so the whole path is
// tested without tesseract (and with a digit corrupted on purpose).
//
// It must not: render or open PDFs (parse/pdf does, and hands over
// pixels), interpret report labels (parse/report does), run tesseract
// other than under a context with a timeout, or give a number that no
// check confirms.
package ocr
