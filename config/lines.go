package config

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// lines finds where a key was written in the config file, so a value that
// decodes but makes no sense (an unknown family, a cron spec with six
// words) is reported at its line, as yaml reports the errors it finds.
type lines struct{ root *yaml.Node }

func newLines(b []byte) lines {
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return lines{}
	}
	return lines{doc.Content[0]}
}

// node returns the value node at path: mapping keys and sequence indexes
// ("sites", "2", "family"), or nil when the file does not set it.
func (l lines) node(path ...string) *yaml.Node {
	n, _ := l.find(path)
	return n
}

// find returns the value node at path and the line where it is named: a
// mapping key's own line (a nested mapping's value starts on the next), a
// sequence item's line.
func (l lines) find(path []string) (*yaml.Node, int) {
	n, line := l.root, 0
	for _, p := range path {
		if n == nil {
			return nil, 0
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next, line = n.Content[i+1], n.Content[i].Line
				}
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, 0
			}
			n = n.Content[i]
			line = n.Line
		default:
			return nil, 0
		}
	}
	return n, line
}

// at prefixes msg with the line of path ("line 7: "), when the file sets it.
func (l lines) at(msg string, path ...string) string {
	if n, line := l.find(path); n != nil && line > 0 {
		return "line " + strconv.Itoa(line) + ": " + msg
	}
	return msg
}

// set reports whether the file sets path.
func (l lines) set(path ...string) bool { return l.node(path...) != nil }
