package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryBytes bounds a query's length.
const MaxQueryBytes = 1000

// ErrBadQuery marks a query that cannot be read (unbalanced quotes or
// parentheses, empty, too long, an operator without an operand).
var ErrBadQuery = errors.New("bad search query")

func badQuery(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadQuery, fmt.Sprintf(format, args...))
}

// Node is a parsed query: a term (a word or a "phrase"), or AND / OR of
// children, or NOT of one child.
type Node struct {
	Op     string // "term", "and", "or", "not"
	Text   string // folded, for terms
	Phrase bool   // written in quotes
	Kids   []*Node
}

// Terms lists the positive terms of n (for snippets).
func (n *Node) Terms() []string {
	var out []string
	var walk func(*Node, bool)
	walk = func(n *Node, neg bool) {
		switch n.Op {
		case "term":
			if !neg {
				out = append(out, n.Text)
			}
		case "not":
			walk(n.Kids[0], !neg)
		default:
			for _, k := range n.Kids {
				walk(k, neg)
			}
		}
	}
	walk(n, false)
	return out
}

type token struct {
	kind   string // "word", "phrase", "and", "or", "not", "(", ")"
	text   string
	phrase bool
}

func lex(q string) ([]token, error) {
	var toks []token
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '"' || r == '“' || r == '”' || r == '＂':
			j := i + 1
			for j < len(rs) && !(rs[j] == '"' || rs[j] == '“' || rs[j] == '”' || rs[j] == '＂') {
				j++
			}
			if j >= len(rs) {
				return nil, badQuery("unbalanced quote: a phrase opened with \" is not closed")
			}
			toks = append(toks, token{kind: "phrase", text: string(rs[i+1 : j]), phrase: true})
			i = j + 1
		case r == '(' || r == '（':
			toks = append(toks, token{kind: "("})
			i++
		case r == ')' || r == '）':
			toks = append(toks, token{kind: ")"})
			i++
		case r == '-' && len(toks) >= 0 && (i+1 < len(rs) && !unicode.IsSpace(rs[i+1])):
			toks = append(toks, token{kind: "not"})
			i++
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("\"“”＂()（）", rs[j]) {
				j++
			}
			w := string(rs[i:j])
			switch w {
			case "AND", "&&":
				toks = append(toks, token{kind: "and"})
			case "OR", "||":
				toks = append(toks, token{kind: "or"})
			case "NOT":
				toks = append(toks, token{kind: "not"})
			default:
				toks = append(toks, token{kind: "word", text: w})
			}
			i = j
		}
	}
	return toks, nil
}

// Parse reads a query: words and "phrases", combined by AND (also the
// default between terms), OR (binds tighter than AND), NOT or a leading
// -, and parentheses. Terms are folded (Fold).
func Parse(q string) (*Node, error) {
	if len(q) > MaxQueryBytes {
		return nil, badQuery("query is %d bytes long; at most %d", len(q), MaxQueryBytes)
	}
	if !utf8.ValidString(q) {
		return nil, badQuery("query is not valid UTF-8")
	}
	if strings.TrimSpace(q) == "" {
		return nil, badQuery("empty query: give words or \"a phrase\"")
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.and()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		if p.toks[p.i].kind == ")" {
			return nil, badQuery("unbalanced parenthesis: ) without (")
		}
		return nil, badQuery("unexpected %s", p.toks[p.i].kind)
	}
	if onlyNegative(n) {
		return nil, badQuery("a query needs at least one term that is not negated")
	}
	return n, nil
}

func onlyNegative(n *Node) bool {
	switch n.Op {
	case "term":
		return false
	case "not":
		return true
	case "and":
		for _, k := range n.Kids {
			if !onlyNegative(k) {
				return false
			}
		}
		return true
	default: // or
		for _, k := range n.Kids {
			if onlyNegative(k) {
				return true
			}
		}
		return false
	}
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i].kind
	}
	return ""
}

func (p *parser) and() (*Node, error) {
	var kids []*Node
	for {
		k := p.peek()
		if k == "" || k == ")" {
			break
		}
		if k == "and" {
			if len(kids) == 0 {
				return nil, badQuery("AND needs a term before it")
			}
			p.i++
			if n := p.peek(); n == "" || n == ")" || n == "and" || n == "or" {
				return nil, badQuery("AND needs a term after it")
			}
			continue
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if n != nil {
			kids = append(kids, n)
		}
	}
	switch len(kids) {
	case 0:
		return nil, badQuery("empty query: give words or \"a phrase\"")
	case 1:
		return kids[0], nil
	}
	return &Node{Op: "and", Kids: kids}, nil
}

func (p *parser) or() (*Node, error) {
	if p.peek() == "or" {
		return nil, badQuery("OR needs a term before it")
	}
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	kids := []*Node{first}
	for p.peek() == "or" {
		p.i++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &Node{Op: "or", Kids: kids}, nil
}

func (p *parser) unary() (*Node, error) {
	switch p.peek() {
	case "not":
		p.i++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Node{Op: "not", Kids: []*Node{n}}, nil
	case "(":
		p.i++
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, badQuery("unbalanced parenthesis: ( without )")
		}
		p.i++
		return n, nil
	case "word", "phrase":
		t := p.toks[p.i]
		p.i++
		text := Fold(t.text)
		if strings.TrimSpace(text) == "" {
			return nil, badQuery("empty phrase \"\"")
		}
		if strings.IndexFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			return nil, badQuery("%q has no characters to search for (punctuation is not indexed)", t.text)
		}
		return &Node{Op: "term", Text: text, Phrase: t.phrase}, nil
	case "":
		return nil, badQuery("an operator at the end needs a term after it")
	case ")":
		return nil, badQuery("unbalanced parenthesis: ) without (")
	default:
		return nil, badQuery("%s needs a term after it", strings.ToUpper(p.peek()))
	}
}
