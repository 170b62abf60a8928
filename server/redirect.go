package server

import (
	"net/url"
	"strings"
)

// LocalPath checks a return address taken from a request (?retour=): only a
// path of this site passes, as it was sent. Anything a browser could read
// as another origin is refused: a scheme, a host, "//" or "/\" (browsers
// read "\" as "/"), and control characters, which browsers drop, so that
// "/\t/evil.example" would become "//evil.example".
func LocalPath(raw string) (string, bool) {
	if !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.ContainsRune(raw, '\\') {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x20 || raw[i] == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", false
	}
	return raw, true
}
