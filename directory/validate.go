package directory

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
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
// Each error names its rule and parameters, so that pages can translate it;
// the rules are listed in web's catalogue ("rule.…").
type validator struct{ errs []civiscope.FieldError }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, civiscope.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// fail records a broken rule with its parameters and English message.
func (v *validator) fail(field, rule string, params civiscope.Params, format string, args ...any) {
	v.errs = append(v.errs, civiscope.Field(field, rule, params, format, args...))
}

func (v *validator) err() error { return civiscope.Invalid(v.errs) }

func (v *validator) required(field, s string) {
	if strings.TrimSpace(s) == "" {
		v.fail(field, "required", nil, "is required")
	}
}

func (v *validator) maxLen(field, s string, n int) {
	if c := utf8.RuneCountInString(s); c > n {
		v.tooLong(field, c, n)
	}
}

func (v *validator) tooLong(field string, length, max int) {
	v.fail(field, "too_long", civiscope.Params{"length": length, "max": max}, "is too long (%d characters, at most %d)", length, max)
}

func (v *validator) slug(field, s string) {
	switch {
	case s == "":
		v.fail(field, "required", nil, "is required")
	case len(s) > MaxSlugLen:
		v.tooLong(field, len(s), MaxSlugLen)
	case !slugPattern.MatchString(s):
		v.fail(field, "slug", nil, "must be lower-case letters, digits and single hyphens, like \"cap-collectif\"")
	}
}

// url accepts an empty value (unknown) or an absolute http(s) URL with a host.
func (v *validator) url(field, s string, max int) {
	if s == "" {
		return
	}
	if err := URLProblem(field, s, max); err != nil {
		v.errs = append(v.errs, *err)
	}
}

// CheckURL reports why s is not an acceptable absolute http or https URL.
func CheckURL(s string, max int) error {
	if fe := URLProblem("", s, max); fe != nil {
		return errors.New(fe.Message)
	}
	return nil
}

// URLProblem is CheckURL's answer as a field error with its rule, or nil.
func URLProblem(field, s string, max int) *civiscope.FieldError {
	if len(s) > max {
		fe := civiscope.Field(field, "too_long", civiscope.Params{"length": len(s), "max": max}, "is too long (%d characters, at most %d)", len(s), max)
		return &fe
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		fe := civiscope.Field(field, "url", nil, "must be a full web address such as https://example.org")
		return &fe
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		fe := civiscope.Field(field, "url_scheme", civiscope.Params{"scheme": u.Scheme + ":"}, "must start with http:// or https:// (got %q)", u.Scheme+":")
		return &fe
	}
	return nil
}

func (v *validator) countryCode(field, s string) {
	if s != "" && !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(s) {
		v.fail(field, "country", nil, "must be a two-letter ISO 3166 country code in capitals, like FR")
	}
}

func (v *validator) siren(field, s string) {
	if s != "" && !validSIREN(s) {
		v.fail(field, "siren", nil, "must be 9 digits with a valid check digit")
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

// Clip cuts s to at most n bytes without splitting a UTF-8 character, so
// that text from a source fits a column's length check.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
