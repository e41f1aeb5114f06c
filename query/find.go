package query

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/urlcanon"
)

// FindDocument resolves a reader's reference to one document (`crawler
// show ID|URL`): an id in any letter case, or its unambiguous prefix of
// at least MinIDPrefix hex digits (as git takes a commit's), or a URL — the report's page,
// one of its files or a listing it was seen on, with or without its
// scheme — as stored, else after dropping the #fragment and lower-casing
// scheme and host, else by canonical form (www., index.html, query order,
// https as http), which costs one pass over the documents. Retracted documents are found too: a reader asking
// for one by name is shown it, marked. Nothing found is archive.ErrNotFound;
// a prefix that several ids share is an *AmbiguousError.
func FindDocument(ctx context.Context, arc *archive.Archive, ref string) (*archive.Document, error) {
	ref = strings.TrimSpace(ref)
	if !strings.Contains(ref, "://") {
		if !strings.ContainsAny(ref, "./") {
			return findByID(arc, strings.ToLower(ref))
		}
		// A URL copied from a browser's address bar, which hides the
		// scheme (ids are hex, never holding a dot or a slash). The
		// canonical form below makes https and http alike.
		ref = "http://" + ref
	}
	var tried []string
	for _, u := range urlVariants(ref) {
		if slices.Contains(tried, u) {
			continue
		}
		tried = append(tried, u)
		d, err := arc.DocumentByURL(u)
		if err == nil || !errors.Is(err, archive.ErrNotFound) {
			return d, err
		}
	}
	want := urlcanon.Key(tried[len(tried)-1])
	var found *archive.Document
	err := arc.ForEachDocument(func(d *archive.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		urls := []string{d.URL}
		for _, f := range d.Files {
			urls = append(urls, f.URL)
		}
		for _, s := range d.Sightings {
			urls = append(urls, s.URL)
		}
		for _, u := range urls {
			if u != "" && urlcanon.Key(u) == want {
				found = d
				return ErrStop
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrStop) {
		return nil, fmt.Errorf("find %s: %w", ref, err)
	}
	if found == nil {
		return nil, fmt.Errorf("document at %s: %w", ref, archive.ErrNotFound)
	}
	return found, nil
}

// urlVariants are the spellings of raw to look up, as given first.
func urlVariants(raw string) []string {
	out := []string{raw}
	noFrag, _, _ := strings.Cut(raw, "#")
	out = append(out, noFrag)
	if u, err := url.Parse(noFrag); err == nil && u.Host != "" {
		u.Scheme = strings.ToLower(u.Scheme)
		u.Host = strings.ToLower(u.Host)
		out = append(out, u.String())
	}
	return out
}

// MinIDPrefix is the shortest id prefix FindDocument resolves: 6 hex
// digits tell apart ~16 million ids, and a shorter string is likelier a
// typo than a reference.
const MinIDPrefix = 6

// maxCandidates bounds the candidates an AmbiguousError lists.
const maxCandidates = 10

// AmbiguousError is an id prefix that several documents' ids begin with.
type AmbiguousError struct {
	Prefix     string
	Candidates []*archive.Document // the first maxCandidates, in id order
	More       bool                // further ids share the prefix
}

func (e *AmbiguousError) Error() string {
	more := ""
	if e.More {
		more = " or more"
	}
	return fmt.Sprintf("id prefix %s is ambiguous: %d%s reports match", e.Prefix, len(e.Candidates), more)
}

// findByID resolves a whole id, or else an id prefix.
func findByID(arc *archive.Archive, ref string) (*archive.Document, error) {
	d, err := arc.Document(ref)
	if err == nil || !errors.Is(err, archive.ErrNotFound) || len(ref) < MinIDPrefix || !isHex(ref) {
		return d, err
	}
	ids, err := arc.DocumentIDs(ref, maxCandidates+1)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("document %s: %w", ref, archive.ErrNotFound)
	}
	if len(ids) == 1 {
		return arc.Document(ids[0])
	}
	amb := &AmbiguousError{Prefix: ref, More: len(ids) > maxCandidates}
	for _, id := range ids[:min(len(ids), maxCandidates)] {
		d, err := arc.Document(id)
		if err != nil {
			return nil, err
		}
		amb.Candidates = append(amb.Candidates, d)
	}
	return nil, amb
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
