package server

import (
	"net/http"
	"strings"
)

// pageCSP is the policy of the site's HTML: its own scripts, styles and
// images only, posted to itself, framed by no one.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every response carries, API and errors
// included: a content policy, no framing, no type sniffing. HTML pages that
// need more (the API docs' inline style) set their own policy after it.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
}

// strictTransport tells browsers to come back over https only, when the
// site's public address is https; over plain http the header means nothing.
func strictTransport(publicURL string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if !strings.HasPrefix(strings.ToLower(publicURL), "https://") {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			next.ServeHTTP(w, r)
		})
	}
}
