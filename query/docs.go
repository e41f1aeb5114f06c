package query

// StatusRank orders parse statuses from best parsed (ok) to worst, as
// series does when a body has several reports for one year.
func StatusRank(status string) int { return statusRank(status) }
