// Package schedule runs the crawl on a cron schedule for `crawler serve`:
// github.com/robfig/cron/v3 in a configured timezone (Asia/Shanghai by
// default), a denser extra schedule in the busy months when annual reports
// are due (January–April, docs/format.md §7), and a single-flight Runner
// shared by scheduled and manual runs so two crawls never overlap (one
// bbolt writer, one frontier per site).
//
// It owns timing and mutual exclusion only. It must not know what a crawl
// does, open the archive or talk HTTP.
package schedule
