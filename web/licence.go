package web

import (
	"github.com/civiscope/civiscope/directory"
)

// licenceOther is the choice that lets the contributor type any SPDX id.
const licenceOther = "autre"

// licenceChoices are the licences the tool form offers in plain words
// ("contrib.licence.<id>"), each with its SPDX id underneath: those civic
// tech tools use most, plus "proprietary". "" is "I don't know", the
// default, so that skipping the question asserts no licence.
func licenceChoices() []string {
	return []string{"", "AGPL-3.0-or-later", "AGPL-3.0-only", "GPL-3.0-or-later", "EUPL-1.2", "CECILL-2.1",
		"MPL-2.0", "LGPL-3.0-or-later", "Apache-2.0", "MIT", "BSD-3-Clause", "LicenseRef-Proprietary"}
}

// licenceValue is the licence a submitted form states: a listed choice, or
// the SPDX expression typed after "another licence".
func licenceValue(f form) string {
	if v := f.V("licence"); v != licenceOther {
		return v
	}
	return f.V("licence_other")
}

// setLicence pre-fills the chooser with a listing's licence.
func setLicence(f form, licence string) {
	for _, id := range licenceChoices() {
		if id == licence {
			f.Values.Set("licence", id)
			return
		}
	}
	if canon, why := directory.CheckLicence(licence); why == "" {
		licence = canon
	}
	f.Values.Set("licence", licenceOther)
	f.Values.Set("licence_other", licence)
}

// unknownFirst puts "unknown" at the top of an enumeration's options, where
// a form preselects it: choosing nothing states nothing.
func unknownFirst(opts []directory.Option) []directory.Option {
	out := make([]directory.Option, 0, len(opts))
	for _, o := range opts {
		if o.Value == "unknown" {
			out = append([]directory.Option{o}, out...)
		} else {
			out = append(out, o)
		}
	}
	return out
}
