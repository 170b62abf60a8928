package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
)

// SeedFile is the reviewed seed of tools and vendors (data/seed/tools.json).
type SeedFile struct {
	About   string       `json:"about"`
	Vendors []SeedVendor `json:"vendors"`
	Tools   []SeedTool   `json:"tools"`
}

// SeedVendor is a vendor in the seed; Source backs its facts.
type SeedVendor struct {
	Slug    string     `json:"slug"`
	Name    string     `json:"name"`
	Kind    VendorKind `json:"kind"`
	SIREN   string     `json:"siren,omitempty"`
	Country string     `json:"country,omitempty"`
	Website string     `json:"website,omitempty"`
	Source  string     `json:"source"`
}

// SeedTool is a tool in the seed; Vendor is a vendor slug.
type SeedTool struct {
	Slug             string        `json:"slug"`
	Name             string        `json:"name"`
	TaglineFR        string        `json:"tagline_fr"`
	TaglineEN        string        `json:"tagline_en"`
	DescriptionFR    string        `json:"description_fr"`
	DescriptionEN    string        `json:"description_en"`
	Categories       []string      `json:"categories"`
	Website          string        `json:"website,omitempty"`
	SourceRepo       string        `json:"source_repo,omitempty"`
	Licence          string        `json:"licence,omitempty"`
	OpenSource       *bool         `json:"open_source,omitempty"`
	BusinessModel    BusinessModel `json:"business_model"`
	Hosting          Hosting       `json:"hosting"`
	Languages        []string      `json:"languages,omitempty"`
	Accessibility    Accessibility `json:"accessibility"`
	AccessibilityURL string        `json:"accessibility_url,omitempty"`
	FoundedYear      int           `json:"founded_year,omitempty"`
	Lifecycle        Lifecycle     `json:"lifecycle"`
	LifecycleReason  string        `json:"lifecycle_reason,omitempty"`
	Vendor           string        `json:"vendor,omitempty"`
	Sources          []SeedSource  `json:"sources"`
}

// SeedSource is one source of a seed tool's facts.
type SeedSource struct {
	Kind    SourceKind `json:"kind"`
	Name    string     `json:"name"`
	URL     string     `json:"url,omitempty"`
	Licence string     `json:"licence,omitempty"`
	Fields  []string   `json:"fields"`
}

// SeedStats says what LoadSeed changed.
type SeedStats struct {
	VendorsCreated, VendorsUpdated, ToolsCreated, ToolsUpdated, Unchanged int
}

// ReadSeed decodes and validates a seed file. Unknown JSON fields are
// errors, so a typo in a reviewed file never silently drops a fact.
func ReadSeed(r io.Reader) (*SeedFile, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s SeedFile
	if err := dec.Decode(&s); err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "read seed: %v", err)
	}
	var v validator
	vendors := map[string]bool{}
	for i, x := range s.Vendors {
		vx := x.vendor()
		if err := ValidateVendor(&vx); err != nil {
			for _, f := range civiscope.ErrorFields(err) {
				v.add(fmt.Sprintf("vendors[%s].%s", x.Slug, f.Field), "%s", f.Message)
			}
		}
		if vendors[x.Slug] {
			v.add(fmt.Sprintf("vendors[%d]", i), "slug %q appears twice", x.Slug)
		}
		if x.Source == "" {
			v.add(fmt.Sprintf("vendors[%s].source", x.Slug), "every seed vendor needs a source")
		}
		vendors[x.Slug] = true
	}
	tools := map[string]bool{}
	for i, x := range s.Tools {
		t := x.tool(0)
		if err := ValidateTool(&t); err != nil {
			for _, f := range civiscope.ErrorFields(err) {
				v.add(fmt.Sprintf("tools[%s].%s", x.Slug, f.Field), "%s", f.Message)
			}
		}
		if x.Vendor != "" && !vendors[x.Vendor] {
			v.add(fmt.Sprintf("tools[%s].vendor", x.Slug), "no vendor %q in the seed", x.Vendor)
		}
		if len(x.Sources) == 0 {
			v.add(fmt.Sprintf("tools[%s].sources", x.Slug), "every seed tool needs at least one source")
		}
		if tools[x.Slug] {
			v.add(fmt.Sprintf("tools[%d]", i), "slug %q appears twice", x.Slug)
		}
		tools[x.Slug] = true
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (x SeedVendor) vendor() Vendor {
	return Vendor{Slug: x.Slug, Name: x.Name, Kind: x.Kind, SIREN: x.SIREN, Country: x.Country, Website: x.Website}
}

func (x SeedTool) tool(vendorID int64) Tool {
	t := Tool{Slug: x.Slug, Name: x.Name, TaglineFR: x.TaglineFR, TaglineEN: x.TaglineEN,
		DescriptionFR: x.DescriptionFR, DescriptionEN: x.DescriptionEN, Categories: x.Categories,
		Website: x.Website, SourceRepo: x.SourceRepo, Licence: x.Licence, OpenSource: x.OpenSource,
		BusinessModel: x.BusinessModel, Hosting: x.Hosting, Languages: x.Languages,
		Accessibility: x.Accessibility, AccessibilityURL: x.AccessibilityURL, FoundedYear: x.FoundedYear,
		Lifecycle: x.Lifecycle, LifecycleReason: x.LifecycleReason, VendorID: vendorID}
	for _, s := range x.Sources {
		t.Sources = append(t.Sources, Source{Kind: s.Kind, Name: s.Name, URL: s.URL, Licence: s.Licence, Fields: s.Fields})
	}
	return t
}

// LoadSeed writes the seed in one transaction: missing vendors and tools are
// created, changed ones updated (with their revisions), identical ones left
// alone, so loading the same seed twice changes nothing.
func LoadSeed(ctx context.Context, db DB, raw []byte) (SeedStats, error) {
	var st SeedStats
	seed, err := ReadSeed(bytes.NewReader(raw))
	if err != nil {
		return st, err
	}
	by := By{Actor: "seed", Source: "data/seed/tools.json"}
	err = inTx(ctx, db, func(tx pgx.Tx) error {
		ids := map[string]int64{}
		for _, x := range seed.Vendors {
			v := x.vendor()
			vb := By{Actor: by.Actor, Source: x.Source}
			old, err := GetVendor(ctx, tx, x.Slug)
			switch {
			case civiscope.ErrorCode(err) == civiscope.ENOTFOUND:
				if err := CreateVendor(ctx, tx, &v, vb); err != nil {
					return fmt.Errorf("seed vendor %s: %w", x.Slug, err)
				}
				st.VendorsCreated++
			case err != nil:
				return err
			default:
				v.ID = old.ID
				if err := ValidateVendor(&v); err != nil {
					return err
				}
				if len(diff(old.snapshot(), v.snapshot())) == 0 {
					st.Unchanged++
				} else {
					if err := UpdateVendor(ctx, tx, &v, vb); err != nil {
						return fmt.Errorf("seed vendor %s: %w", x.Slug, err)
					}
					st.VendorsUpdated++
				}
			}
			ids[x.Slug] = v.ID
		}
		for _, x := range seed.Tools {
			t := x.tool(ids[x.Vendor])
			old, err := GetTool(ctx, tx, x.Slug)
			switch {
			case civiscope.ErrorCode(err) == civiscope.ENOTFOUND:
				if err := CreateTool(ctx, tx, &t, by); err != nil {
					return fmt.Errorf("seed tool %s: %w", x.Slug, err)
				}
				st.ToolsCreated++
			case err != nil:
				return err
			default:
				t.ID = old.ID
				if err := ValidateTool(&t); err != nil {
					return err
				}
				if len(diff(old.snapshot(), t.snapshot())) == 0 && sameSources(old.Sources, t.Sources) {
					st.Unchanged++
					continue
				}
				if err := UpdateTool(ctx, tx, &t, by); err != nil {
					return fmt.Errorf("seed tool %s: %w", x.Slug, err)
				}
				st.ToolsUpdated++
			}
		}
		return nil
	})
	if err != nil {
		var ce *civiscope.Error
		if !errors.As(err, &ce) {
			return st, fmt.Errorf("load seed: %w", err)
		}
		return st, err
	}
	return st, nil
}
