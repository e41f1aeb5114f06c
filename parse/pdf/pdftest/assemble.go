package pdftest

import (
	"bytes"
	"fmt"
)

// Assemble writes objs as objects 1…n of a PDF whose catalog is object 1,
// with a correct cross-reference table; extraTrailer is added inside the
// trailer dictionary (e.g. " /Encrypt 6 0 R /ID […]"). The one writer of a
// PDF's file structure for tests: each test builds only its objects.
func Assemble(objs []string, extraTrailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, extraTrailer, xref)
	return b.Bytes()
}
