package moderation

import (
	"fmt"
	"time"

	"github.com/civiscope/civiscope/directory"
)

// The fields of a tool profile that contributors may propose, named as the
// directory's revision log names them. Descriptive fields are the ones a
// verified vendor may publish directly; the others (lifecycle) are facts
// others rely on and always go through moderation.
var (
	descriptiveFields = []string{"name", "tagline_fr", "tagline_en", "description_fr", "description_en",
		"categories", "website", "source_repo", "licence", "business_model", "hosting", "languages",
		"accessibility", "accessibility_url", "founded_year"}
	reliedOnFields = []string{"lifecycle", "lifecycle_since", "lifecycle_reason"}
)

// EditableFields lists every field an edit proposal may change.
func EditableFields() []string {
	return append(append([]string(nil), descriptiveFields...), reliedOnFields...)
}

func isDescriptive(field string) bool {
	for _, f := range descriptiveFields {
		if f == field {
			return true
		}
	}
	return false
}

// toolField returns the value of one field of t as JSON would carry it, so
// that values read from a proposal or a revision compare equal.
func toolField(t *directory.Tool, field string) any {
	switch field {
	case "slug":
		return t.Slug
	case "name":
		return t.Name
	case "tagline_fr":
		return t.TaglineFR
	case "tagline_en":
		return t.TaglineEN
	case "description_fr":
		return t.DescriptionFR
	case "description_en":
		return t.DescriptionEN
	case "categories":
		return anyList(t.Categories)
	case "website":
		return t.Website
	case "source_repo":
		return t.SourceRepo
	case "licence":
		return t.Licence
	case "open_source":
		if t.OpenSource == nil {
			return nil
		}
		return *t.OpenSource
	case "business_model":
		return string(t.BusinessModel)
	case "hosting":
		return string(t.Hosting)
	case "languages":
		return anyList(t.Languages)
	case "accessibility":
		return string(t.Accessibility)
	case "accessibility_url":
		return t.AccessibilityURL
	case "founded_year":
		if t.FoundedYear == 0 {
			return nil
		}
		return float64(t.FoundedYear)
	case "lifecycle":
		return string(t.Lifecycle)
	case "lifecycle_since":
		if t.LifecycleSince == nil {
			return nil
		}
		return t.LifecycleSince.Format("2006-01-02")
	case "lifecycle_reason":
		return t.LifecycleReason
	case "vendor_id":
		if t.VendorID == 0 {
			return nil
		}
		return float64(t.VendorID)
	}
	return nil
}

func anyList(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// setToolField sets one field of t from a JSON value.
func setToolField(t *directory.Tool, field string, v any) error {
	str := func() (string, error) {
		switch x := v.(type) {
		case nil:
			return "", nil
		case string:
			return x, nil
		}
		return "", fmt.Errorf("field %s: want text, got %T", field, v)
	}
	list := func() ([]string, error) {
		xs, ok := v.([]any)
		if v == nil {
			return nil, nil
		}
		if !ok {
			return nil, fmt.Errorf("field %s: want a list, got %T", field, v)
		}
		out := make([]string, 0, len(xs))
		for _, x := range xs {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("field %s: want a list of text", field)
			}
			out = append(out, s)
		}
		return out, nil
	}
	num := func() (int64, error) {
		switch x := v.(type) {
		case nil:
			return 0, nil
		case float64:
			return int64(x), nil
		}
		return 0, fmt.Errorf("field %s: want a number, got %T", field, v)
	}
	var err error
	var s string
	switch field {
	case "slug", "name", "tagline_fr", "tagline_en", "description_fr", "description_en", "website",
		"source_repo", "licence", "business_model", "hosting", "accessibility", "accessibility_url",
		"lifecycle", "lifecycle_reason", "lifecycle_since":
		if s, err = str(); err != nil {
			return err
		}
		switch field {
		case "slug":
			t.Slug = s
		case "name":
			t.Name = s
		case "tagline_fr":
			t.TaglineFR = s
		case "tagline_en":
			t.TaglineEN = s
		case "description_fr":
			t.DescriptionFR = s
		case "description_en":
			t.DescriptionEN = s
		case "website":
			t.Website = s
		case "source_repo":
			t.SourceRepo = s
		case "licence":
			t.Licence = s
		case "business_model":
			t.BusinessModel = directory.BusinessModel(s)
		case "hosting":
			t.Hosting = directory.Hosting(s)
		case "accessibility":
			t.Accessibility = directory.Accessibility(s)
		case "accessibility_url":
			t.AccessibilityURL = s
		case "lifecycle":
			t.Lifecycle = directory.Lifecycle(s)
		case "lifecycle_reason":
			t.LifecycleReason = s
		case "lifecycle_since":
			t.LifecycleSince = nil
			if s != "" {
				d, perr := time.Parse("2006-01-02", s)
				if perr != nil {
					return fmt.Errorf("field lifecycle_since: %q is not a date YYYY-MM-DD", s)
				}
				t.LifecycleSince = &d
			}
		}
	case "categories":
		t.Categories, err = list()
	case "languages":
		t.Languages, err = list()
	case "founded_year":
		var n int64
		n, err = num()
		t.FoundedYear = int(n)
	case "vendor_id":
		t.VendorID, err = num()
	case "open_source":
		switch x := v.(type) {
		case nil:
			t.OpenSource = nil
		case bool:
			t.OpenSource = &x
		default:
			err = fmt.Errorf("field open_source: want true, false or null, got %T", v)
		}
	default:
		return fmt.Errorf("field %s cannot be set", field)
	}
	return err
}
