package web

import (
	"time"

	"github.com/civiscope/civiscope/directory"
)

// L shows a directory label in the page's language.
func (p *Page) L(l directory.Label) Localized { return Pick(p.Lang, l.FR, l.EN) }

// Category is the label of a category slug (the slug itself when unknown).
func (p *Page) Category(slug string) string {
	if c, ok := directory.CategoryBySlug(slug); ok {
		return p.L(c.Label).Text
	}
	return slug
}

var monthsFR = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Month shows a month ("mai 2023", "May 2023"), a dash when unknown.
func (p *Page) Month(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	if p.Lang == EN {
		return t.Format("January 2006")
	}
	return monthsFR[t.Month()-1] + " " + t.Format("2006")
}

// Date shows a day ("3 mai 2023", "3 May 2023").
func (p *Page) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if p.Lang == EN {
		return t.Format("2 January 2006")
	}
	return t.Format("2") + " " + monthsFR[t.Month()-1] + " " + t.Format("2006")
}

// YesNo shows an optional boolean.
func (p *Page) YesNo(b *bool) string {
	switch {
	case b == nil:
		return p.T("value.unknown")
	case *b:
		return p.T("value.yes")
	}
	return p.T("value.no")
}
