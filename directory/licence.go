package directory

import (
	"strings"
)

// spdxIDs maps the lower-cased SPDX identifiers that civic tech tools use in
// practice to their canonical spelling. Anything else can still be recorded
// as LicenseRef-…, which SPDX reserves for licences outside its list.
func spdxIDs() map[string]string {
	ids := []string{
		"0BSD", "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later",
		"Apache-1.1", "Apache-2.0", "Artistic-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause",
		"BSL-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CECILL-2.0", "CECILL-2.1", "CECILL-B",
		"CECILL-C", "CPAL-1.0", "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2",
		"GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC",
		"LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later",
		"LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0",
		"MPL-2.0-no-copyleft-exception", "OSL-3.0", "PostgreSQL", "Python-2.0", "Ruby",
		"Unlicense", "WTFPL", "X11", "Zlib", "ZPL-2.1", "BUSL-1.1", "Elastic-2.0", "SSPL-1.0",
	}
	m := make(map[string]string, len(ids))
	for _, id := range ids {
		m[strings.ToLower(id)] = id
	}
	return m
}

// LicenceOpenSource says whether a valid licence expression is open source:
// false for LicenseRef- and source-available licences.
func LicenceOpenSource(expr string) bool {
	if expr == "" {
		return false
	}
	for _, w := range strings.Fields(expr) {
		switch strings.ToLower(strings.Trim(w, "()")) {
		case "busl-1.1", "elastic-2.0", "sspl-1.0":
			return false
		}
		if strings.HasPrefix(strings.ToLower(w), "licenseref-") {
			return false
		}
	}
	return true
}

// CheckLicence accepts an SPDX id, a LicenseRef-…, or an expression of those
// joined by AND / OR / WITH, and returns it with each id in canonical case.
// When s is not acceptable, the second result says why.
func CheckLicence(s string) (string, string) {
	if s == "" {
		return "", ""
	}
	ids := spdxIDs()
	words := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s))
	out := make([]string, 0, len(words))
	for _, w := range words {
		lw := strings.ToLower(w)
		switch {
		case w == "(" || w == ")":
		case lw == "and" || lw == "or" || lw == "with":
			w = strings.ToUpper(w)
		case strings.HasPrefix(lw, "licenseref-") && len(w) > len("LicenseRef-"):
			w = "LicenseRef-" + w[len("LicenseRef-"):]
		case ids[strings.TrimSuffix(lw, "+")] != "":
			plus := ""
			if strings.HasSuffix(w, "+") {
				plus = "+"
			}
			w = ids[strings.TrimSuffix(lw, "+")] + plus
		default:
			return "", "\"" + w + "\" is not an SPDX licence id (examples: AGPL-3.0-only, MIT, EUPL-1.2, LicenseRef-Proprietary)"
		}
		out = append(out, w)
	}
	return strings.NewReplacer("( ", "(", " )", ")").Replace(strings.Join(out, " ")), ""
}
