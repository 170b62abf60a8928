package website

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

// normalize turns an address as people type it into a URL and the host
// key sites are compared by (lower case, without "www."). "www.x.fr",
// "http://www.x.fr/" and "https://x.fr" are the same site.
func normalize(raw string) (u, host string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", errors.New("the address is empty")
	}
	// "https:/www.x.fr": one slash lost in typing.
	for _, s := range []string{"http:/", "https:/"} {
		if strings.HasPrefix(strings.ToLower(raw), s) && !strings.HasPrefix(strings.ToLower(raw), s+"/") {
			raw = raw[:len(s)] + "/" + raw[len(s):]
		}
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	p, perr := url.Parse(raw)
	if perr != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return "", "", errors.New("not a web address")
	}
	h := strings.TrimSuffix(strings.ToLower(p.Hostname()), ".")
	if h == "" || !strings.Contains(h, ".") || strings.ContainsAny(h, " _@") {
		return "", "", errors.New("no valid host name")
	}
	if net.ParseIP(h) != nil {
		return "", "", errors.New("an IP address, not a site name")
	}
	if len(raw) > 1000 {
		return "", "", errors.New("longer than 1000 characters")
	}
	p.Host = strings.ToLower(p.Host)
	p.Fragment = ""
	if p.Path == "" {
		p.Path = "/"
	}
	return p.String(), hostKey(h), nil
}

func hostKey(h string) string {
	return strings.TrimPrefix(strings.ToLower(h), "www.")
}
