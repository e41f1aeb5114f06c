package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole of config.yaml. Sections owned by other packages
// (crawl, sites, serve) live in their own files of this package.
type Config struct {
	// Archive is the path of the bbolt archive file.
	Archive string `yaml:"archive"`
	// LockTimeout is how long a command waits for another process's lock
	// on the archive before giving up with a clear message.
	LockTimeout Duration `yaml:"lock_timeout"`
	// Cache is a directory for derived, rebuildable data (e.g. the PDF
	// engine's compilation cache). Empty: the user cache dir.
	Cache string `yaml:"cache"`

	Crawl Crawl  `yaml:"crawl"`
	Sites []Site `yaml:"sites"`
	Serve Serve  `yaml:"serve"`

	// Path is the file the config was read from ("" for defaults).
	Path string `yaml:"-"`
	// ArchiveLine is the line of the file's archive: key (0: not set
	// there, the default path), for messages about the archive file.
	ArchiveLine int `yaml:"-"`

	lines lines // where each key is in the file
}

// Default returns the configuration used when no config file exists.
func Default() *Config {
	c := &Config{
		Archive:     "./data/nianbao.db",
		LockTimeout: Duration(5 * time.Second),
	}
	c.Crawl.setDefaults()
	c.Serve.setDefaults()
	return c
}

// Load reads path. A missing file is not an error when allowMissing is set:
// the defaults are returned, so commands like `stats` work out of the box.
func Load(path string, allowMissing bool) (*Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		if allowMissing && errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if err := decodeStrict(b, c); err != nil {
		return nil, fmt.Errorf("parse config %s: %w", path, err)
	}
	c.Path = path
	l := newLines(b)
	c.lines = l
	if n := l.node("archive"); n != nil && c.Archive != "" {
		c.ArchiveLine = n.Line
	}
	c.Crawl.setDefaults()
	c.Serve.setDefaults()
	// A relative archive path is relative to the working directory, as in
	// the README examples; the config's own directory would surprise users
	// who run `crawler --config /etc/nianbao/config.yaml` from elsewhere
	// only if they wrote a relative path there, which deploy/ does not.
	if c.Archive == "" {
		c.Archive = Default().Archive
	}
	if err := c.validate(l); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// decodeStrict reads YAML into c, refusing keys the structs do not know:
// a misspelt key ("dealy") would otherwise be silently ignored.
func decodeStrict(b []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file: the defaults
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msgs := make([]string, len(te.Errors))
			for i, m := range te.Errors {
				m = unknownFieldRe.ReplaceAllString(m, `unknown key "$1" (in $2)`)
				msgs[i] = scalarForListRe.ReplaceAllString(m, "one value ($1) where a list is wanted: write it in brackets, [value], or as one \"- value\" per line")
			}
			return errors.New(strings.Join(msgs, "; "))
		}
		return err
	}
	return nil
}

// unknownFieldRe matches yaml.v3's "line N: field X not found in type config.T".
var unknownFieldRe = regexp.MustCompile(`field (\S+) not found in type config\.(\w+)`)

// scalarForListRe matches yaml.v3's "line N: cannot unmarshal !!str `x` into
// []string": one value written where a list is wanted (start: URL rather
// than start: [URL]), which reads as Go to a new user.
var scalarForListRe = regexp.MustCompile("cannot unmarshal !!\\w+ (`[^`]*`) into \\[\\]string")

// Validate reports the first problem that would make the config unusable.
// A site needs a name, a region and at least one absolute http(s) start
// URL; the serve section's schedules, timezone, months and webhooks must
// be ones the service can run.
func (c *Config) Validate() error { return c.validate(lines{}) }

// validate is Validate naming the line of the offending key when l knows
// the file.
func (c *Config) validate(l lines) error {
	seen := map[string]bool{}
	for i, s := range c.Sites {
		at := func(msg string, key ...string) error {
			return errors.New(l.at(msg, append([]string{"sites", strconv.Itoa(i)}, key...)...))
		}
		if strings.TrimSpace(s.Name) == "" {
			return at(fmt.Sprintf("sites[%d]: name is required", i))
		}
		if seen[s.Name] {
			return at(fmt.Sprintf("sites[%d]: duplicate name %q", i, s.Name), "name")
		}
		seen[s.Name] = true
		if strings.TrimSpace(s.Region) == "" {
			return at(fmt.Sprintf("site %q: region is required (e.g. region: 河南省洛阳市偃师区)", s.Name))
		}
		if len(s.Start) == 0 {
			return at(fmt.Sprintf("site %q: at least one start URL is required", s.Name))
		}
		for j, raw := range s.Start {
			if err := checkStartURL(raw); err != nil {
				return at(fmt.Sprintf("site %q: start %q: %v", s.Name, raw, err), "start", strconv.Itoa(j))
			}
		}
	}
	return c.Serve.validate(l)
}

// CheckFamilies rejects a site whose family: is not one of known (package
// sites' rules, sites.Families(); config cannot import sites, whose tests
// build configs), naming the line. Commands call it right after Load.
func (c *Config) CheckFamilies(known []string) error {
	for i, s := range c.Sites {
		if s.Family != "" && !slices.Contains(known, s.Family) {
			msg := fmt.Sprintf("site %q: unknown family %q (known: %s; leave family: out to detect it)",
				s.Name, s.Family, strings.Join(known, ", "))
			msg = c.lines.at(msg, "sites", strconv.Itoa(i), "family")
			if c.Path != "" {
				return fmt.Errorf("config %s: %s", c.Path, msg)
			}
			return errors.New(msg)
		}
	}
	return nil
}

// checkStartURL accepts only absolute http(s) URLs with a host.
func checkStartURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("want an absolute http:// or https:// URL")
	}
	if u.Host == "" {
		return errors.New("URL has no host")
	}
	return nil
}

// Site returns the named site.
func (c *Config) Site(name string) (*Site, bool) {
	for i := range c.Sites {
		if c.Sites[i].Name == name {
			return &c.Sites[i], true
		}
	}
	return nil, false
}

// CacheDir returns the directory for rebuildable caches, creating nothing.
func (c *Config) CacheDir() string {
	if c.Cache != "" {
		return c.Cache
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "nianbao")
	}
	return filepath.Join(os.TempDir(), "nianbao-cache")
}

// Duration is a time.Duration that reads "1s", "500ms" or a bare number of seconds.
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	if v, err := time.ParseDuration(s); err == nil {
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := n.Decode(&secs); err == nil {
		*d = Duration(time.Duration(secs * float64(time.Second)))
		return nil
	}
	return fmt.Errorf("line %d: invalid duration %q (want e.g. 1s, 500ms, 2h)", n.Line, s)
}

func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
