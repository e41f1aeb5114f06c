// Package alert decides when `crawler serve` should tell someone, and
// tells them through webhooks (a JSON POST per event): a new report was
// archived; a site that used to yield reports yields none, or has failed
// for N runs in a row; a body has no report for year Y after the legal
// publication deadline (docs/format.md §1 and §7: 条例 第四十九条).
//
// It also computes each site's health from its run reports, which the
// HTTP API shows. It reads the archive but must never write to it, and it
// sends traffic only to the webhook URLs configured by the operator.
package alert
