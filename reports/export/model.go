// Package export writes tables as the open-data files researchers cite: CSV
// (UTF-8 without BOM, comma, ISO 8601 dates, codes as text), JSON, XLSX
// (streamed data sheets, a codebook, a summary with native charts) and a
// Frictionless Data Package v2 descriptor, and publishes them as immutable,
// versioned releases with SHA-256 checksums (release.go).
//
// A Dataset is a list of Resources; each Resource declares its Table Schema
// fields and streams its rows, so the same description drives every format
// and the codebook, and a 1,000,000-row export never sits in memory.
package export

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Field types, as Frictionless Table Schema names them.
const (
	String    = "string"
	Integer   = "integer"
	Number    = "number"
	Boolean   = "boolean"
	Date      = "date"      // time.Time, written 2006-01-02
	YearMonth = "yearmonth" // time.Time, written 2006-01
	DateTime  = "datetime"  // time.Time, written RFC 3339 in UTC
)

// Category is one allowed value of a coded field, with its label.
type Category struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
}

// Field describes one column.
type Field struct {
	Name        string
	Type        string
	Title       string // French first; the codebook shows both
	TitleEN     string
	Description string
	Categories  []Category
	// Text marks codes that look like numbers but are identifiers (INSEE,
	// SIREN): always written and typed as text, never as numbers.
	Text bool
}

// Missing is a value that is absent for a stated reason. Its Code is what
// the files hold; the data package declares every code in missingValues.
type Missing struct {
	Code  string
	Label string
}

// Row is one record, in the order of the resource's fields. A nil value is
// missing without a reason (written as an empty cell).
type Row []any

// Resource is one table of a dataset.
type Resource struct {
	Name        string // file base name and sheet name: lower case, digits, hyphens, underscores
	Title       string
	Description string
	Fields      []Field
	// MissingValues lists the reasoned missing codes the table may hold,
	// besides the empty string.
	MissingValues []Missing
	// PrimaryKey and ForeignKeys go into the Table Schema, so readers can
	// join tables (a collectivité is its kind and code: a région and a
	// département may share a code).
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	// Rows streams every record to emit, in a stable order.
	Rows func(ctx context.Context, emit func(Row) error) error
}

// ForeignKey says that Fields of a table refer to Fields of Resource.
type ForeignKey struct {
	Fields    []string
	Resource  string
	RefFields []string
}

// Dataset is what one release publishes.
type Dataset struct {
	Name        string // e.g. "civiscope-directory"
	Title       string
	Description string
	Version     string
	Created     time.Time
	Homepage    string
	Sources     []Source
	Resources   []Resource
	// Files are other files of the release (questionnaire, scripts), which
	// the descriptor lists too, with their checksums.
	Files []string
}

// Source credits where the data comes from.
type Source struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
}

// Licence is the open licence of every Civiscope file.
type Licence struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Title string `json:"title"`
}

// Etalab2 is the Licence Ouverte 2.0.
func Etalab2() Licence {
	return Licence{
		Name:  "etalab-2.0",
		Path:  "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
		Title: "Licence Ouverte / Open Licence version 2.0",
	}
}

// format turns a value into its text form for CSV and the XLSX text cells.
func format(f Field, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case Missing:
		return x.Code, nil
	case string:
		return x, nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		switch f.Type {
		case Date:
			return x.Format("2006-01-02"), nil
		case YearMonth:
			return x.Format("2006-01"), nil
		default:
			return x.UTC().Format(time.RFC3339), nil
		}
	}
	return "", fmt.Errorf("field %s: cannot write a %T", f.Name, v)
}
