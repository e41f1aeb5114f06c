package config

// Serve holds the settings of `crawler serve`. Owned by the server package.
type Serve struct {
	Addr string `yaml:"addr"`
}

func (s *Serve) setDefaults() {
	if s.Addr == "" {
		s.Addr = "127.0.0.1:8080"
	}
}
