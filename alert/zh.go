package alert

// ErrorKindZH names a crawl error class ("client_error:forbidden") in
// Chinese for pages, keeping its detail as is.
func ErrorKindZH(kind string) string { return errorKindZH(kind) }
