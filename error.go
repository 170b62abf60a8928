// Package civiscope holds what every layer shares: the application error
// type. Domain packages return these errors; api and web map their codes to
// HTTP statuses in one place (server/errors.go), so a user's mistake never
// becomes a 500.
package civiscope

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They describe what went wrong from the caller's point of view,
// not which transport carries the answer.
const (
	EINVALID      = "invalid"      // the input breaks a rule; Fields say which
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the change collides with the current state
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // credentials valid, permission missing
	ETOOMANY      = "too_many"     // a rate limit was hit
	ETOOLARGE     = "too_large"    // a body or field is over its limit
	EUNAVAILABLE  = "unavailable"  // a dependency is down; retry later
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// FieldError names one field that failed validation and why, in words a
// person can act on. Message is the English wording that the API and the
// logs show; Rule names the broken rule ("required", "too_long"…) and Params
// its values ("length", "max"…), so that a page can say the same thing in
// its reader's language without parsing English.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Rule    string `json:"rule,omitempty"`
	Params  Params `json:"params,omitempty"`
}

// Params are the values a rule's message mentions, by name.
type Params map[string]any

// Field builds a field error with its rule, its parameters and its English
// message.
func Field(field, rule string, params Params, format string, args ...any) FieldError {
	return FieldError{Field: field, Rule: rule, Params: params, Message: fmt.Sprintf(format, args...)}
}

// Error is an application error with a machine code and a human message.
// Rule and Params, when set, name the message for pages that translate it,
// as they do for a FieldError.
type Error struct {
	Code    string
	Message string
	Rule    string
	Params  Params
	Fields  []FieldError
	// Err is an underlying cause, kept for logs but never shown to users.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	b.WriteString(": ")
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Ruled builds an *Error whose message pages can translate.
func Ruled(code, rule string, params Params, format string, args ...any) *Error {
	return &Error{Code: code, Rule: rule, Params: params, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EINVALID error from field errors; it returns nil when
// there are none, so validators can end with `return civiscope.Invalid(errs)`.
func Invalid(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	msg := "invalid input"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	} else {
		msg = fmt.Sprintf("%d fields are invalid", len(fields))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message meant for users. Internal errors get a
// generic message so that no implementation detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "An internal error occurred."
}

// HasRule reports whether the first *Error in err's chain, or one of its
// fields, names the rule it breaks, so that a page can translate it.
func HasRule(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Rule != "" {
		return true
	}
	for _, f := range e.Fields {
		if f.Rule != "" {
			return true
		}
	}
	return false
}

// ErrorFields returns the field errors of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
