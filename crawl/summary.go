package crawl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/crawl/fetch"
)

// NetworkDown reports whether every site of a run failed at the network
// level (no host answered: DNS, refused, unreachable, connect timeout),
// and if so a one-line summary for the operator. A run in which any host
// answered, or any site failed for another reason, is not a network
// failure: its run reports say what went wrong.
func NetworkDown(results []Result) (bool, string) {
	if len(results) == 0 {
		return false, ""
	}
	kinds := map[string]int{}
	for _, r := range results {
		if r.Run.Status != "failed" || len(r.Run.Blocked) > 0 || len(r.Run.Errors) == 0 {
			return false, ""
		}
		for k, n := range r.Run.Errors {
			if !fetch.NetworkLevel(k) {
				return false, ""
			}
			kinds[k] += n
		}
	}
	return true, fmt.Sprintf("no host answered: all %d sites failed at the network level (%s); check the network, DNS and crawl.proxy",
		len(results), strings.Trim(summarizeCounts(kinds), "[]"))
}

// statusRank orders run reports for people: failures first.
var statusRank = map[string]int{"failed": 0, "interrupted": 1, "partial": 2, "ok": 3}

// SortForReport orders results failures first (then interrupted, partial,
// ok), keeping the configured order within each status.
func SortForReport(results []Result) []Result {
	out := append([]Result(nil), results...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, ok := statusRank[out[i].Run.Status]
		if !ok {
			ri = 4
		}
		rj, ok := statusRank[out[j].Run.Status]
		if !ok {
			rj = 4
		}
		return ri < rj
	})
	return out
}
