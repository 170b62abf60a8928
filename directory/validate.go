package directory

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civiscope/civiscope"
)

// Limits on user-supplied text, mirrored by CHECK constraints in 00100.
const (
	MaxNameLen        = 200
	MaxTaglineLen     = 200
	MaxDescriptionLen = 5000
	MaxURLLen         = 500
	MaxEvidenceURLLen = 1000
	MaxReasonLen      = 500
	MaxExcerptLen     = 2000
	MaxSlugLen        = 80
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validator collects field errors so that a form gets every problem at once.
type validator struct{ errs []civiscope.FieldError }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, civiscope.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error { return civiscope.Invalid(v.errs) }

func (v *validator) required(field, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(field, "is required")
	}
}

func (v *validator) maxLen(field, s string, n int) {
	if c := utf8.RuneCountInString(s); c > n {
		v.add(field, "is too long (%d characters, at most %d)", c, n)
	}
}

func (v *validator) slug(field, s string) {
	switch {
	case s == "":
		v.add(field, "is required")
	case len(s) > MaxSlugLen:
		v.add(field, "is too long (%d characters, at most %d)", len(s), MaxSlugLen)
	case !slugPattern.MatchString(s):
		v.add(field, "must be lower-case letters, digits and single hyphens, like \"cap-collectif\"")
	}
}

// url accepts an empty value (unknown) or an absolute http(s) URL with a host.
func (v *validator) url(field, s string, max int) {
	if s == "" {
		return
	}
	if err := CheckURL(s, max); err != nil {
		v.add(field, "%s", err.Error())
	}
}

// CheckURL reports why s is not an acceptable absolute http or https URL.
func CheckURL(s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("is too long (%d characters, at most %d)", len(s), max)
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return fmt.Errorf("must be a full web address such as https://example.org")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must start with http:// or https:// (got %q)", u.Scheme+":")
	}
	return nil
}

func (v *validator) countryCode(field, s string) {
	if s != "" && !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(s) {
		v.add(field, "must be a two-letter ISO 3166 country code in capitals, like FR")
	}
}

func (v *validator) siren(field, s string) {
	if s != "" && !validSIREN(s) {
		v.add(field, "must be 9 digits with a valid check digit")
	}
}

// validSIREN checks the 9 digits and the Luhn key that every SIREN carries.
func validSIREN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i, r := range s {
		if r < '0' || r > '9' {
			return false
		}
		d := int(r - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	// La Poste's SIREN (356000000) is the documented exception to the key.
	return sum%10 == 0 || s == "356000000"
}

func firstOfMonth(t *time.Time) bool {
	return t == nil || t.Day() == 1
}
