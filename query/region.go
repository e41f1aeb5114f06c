package query

import (
	"sync"
	"sync/atomic"

	"github.com/nianbao/nianbao/divisions"
)

// regionCache keeps the divisions a --region value names: Filter.Match
// asks once per document.
var regionCache sync.Map // string → []*divisions.Division

// regionCached bounds the cache: the web page's users type any text.
var regionCached atomic.Int64

const maxRegionCache = 4096

// regionDivisions returns the divisions q names (nil when it names none:
// it is then matched as text).
func regionDivisions(q string) []*divisions.Division {
	if v, ok := regionCache.Load(q); ok {
		return v.([]*divisions.Division)
	}
	ds, err := divisions.Lookup(q)
	if err != nil {
		ds = nil
	}
	if regionCached.Add(1) <= maxRegionCache {
		regionCache.Store(q, ds)
	}
	return ds
}

// withinAny reports whether the division coded code lies in one of ds.
func withinAny(code string, ds []*divisions.Division) bool {
	for _, a := range ds {
		if divisions.CodeWithin(code, a) {
			return true
		}
	}
	return false
}

func isCode(q string) bool {
	for _, c := range q {
		if c < '0' || c > '9' {
			return false
		}
	}
	return q != ""
}
