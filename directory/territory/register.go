package territory

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/data"
)

// Register is the parsed and validated COG: every territory, ready to load.
type Register struct {
	Source      string
	Territories []Territory
	// Lineage maps codes that are no longer current communes to the
	// commune that holds them today; see lineage.go.
	Lineage Lineage
}

// CountKind returns how many territories of a kind the register holds.
func (r *Register) CountKind(k Kind) int {
	n := 0
	for _, t := range r.Territories {
		if t.Kind == k {
			n++
		}
	}
	return n
}

// The five files of @etalab/decoupage-administratif that the register needs.
var registerFiles = []string{"communes.json", "epci.json", "ept.json", "departements.json", "regions.json"}

// maxFileSize guards against a runaway file; the largest real one is 9 MB.
const maxFileSize = 64 << 20

// ReadSnapshot reads the npm tarball of @etalab/decoupage-administratif.
func ReadSnapshot(name string, r io.Reader) (*Register, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, invalidFile(name, "not a gzip file: %v", err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, invalidFile(name, "truncated or corrupt archive: %v", err)
		}
		base := path.Base(h.Name)
		if path.Base(path.Dir(h.Name)) != "data" || !wanted(base) {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxFileSize+1))
		if err != nil {
			return nil, invalidFile(name, "truncated archive while reading %s: %v", h.Name, err)
		}
		files[base] = b
	}
	return parse(name, files)
}

// ReadPath reads the register from a tarball, from the package directory or
// from its data/ directory: whatever `npm pack` or `npm install` left.
func ReadPath(p string) (*Register, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v", p, err)
	}
	if !st.IsDir() {
		f, err := os.Open(p)
		if err != nil {
			return nil, civiscope.Errorf(civiscope.EINVALID, "cannot open %s: %v", p, err)
		}
		defer f.Close()
		return ReadSnapshot(p, f)
	}
	if _, err := os.Stat(filepath.Join(p, "data", "communes.json")); err == nil {
		p = filepath.Join(p, "data")
	}
	return ReadFS(p, os.DirFS(p))
}

// ReadFS reads the register files from a directory-like file system.
func ReadFS(name string, fsys fs.FS) (*Register, error) {
	files := map[string][]byte{}
	for _, f := range registerFiles {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			continue // parse names the missing file
		}
		files[f] = b
	}
	return parse(name, files)
}

func wanted(base string) bool {
	for _, f := range registerFiles {
		if f == base {
			return true
		}
	}
	return false
}

func invalidFile(file, format string, args ...any) error {
	return civiscope.Errorf(civiscope.EINVALID, "%s: %s", file, fmt.Sprintf(format, args...))
}

// The JSON shapes of the source files; only the fields the register keeps.
type (
	srcCommune struct {
		Code        string   `json:"code"`
		Nom         string   `json:"nom"`
		Type        string   `json:"type"`
		Zone        string   `json:"zone"`
		Departement string   `json:"departement"`
		Region      string   `json:"region"`
		SIREN       string   `json:"siren"`
		CodesPostal []string `json:"codesPostaux"`
		Population  *int     `json:"population"`
		// lineage: former codes of a commune nouvelle, the commune a
		// delegated or associated commune belongs to, an arrondissement's city
		AnciensCodes []string `json:"anciensCodes"`
		ChefLieu     string   `json:"chefLieu"`
		Commune      string   `json:"commune"`
	}
	srcGroup struct {
		Code       string `json:"code"`
		Nom        string `json:"nom"`
		Type       string `json:"type"`
		Population *int   `json:"populationMunicipale"`
		Membres    []struct {
			Code string `json:"code"`
		} `json:"membres"`
	}
	srcArea struct {
		Code     string `json:"code"`
		Nom      string `json:"nom"`
		Region   string `json:"region"`
		Zone     string `json:"zone"`
		ChefLieu string `json:"chefLieu"`
	}
)

var (
	communeCode = regexp.MustCompile(`^(\d{5}|2[AB]\d{3})$`)
	areaCode    = regexp.MustCompile(`^(\d{2,3}|2[AB])$`)
	sirenCode   = regexp.MustCompile(`^\d{9}$`)
)

// recordErr names the file and the record, so a bad source can be fixed.
type recordErrs struct {
	errs []string
}

func (r *recordErrs) add(file string, i int, code, format string, args ...any) {
	if len(r.errs) < 20 {
		r.errs = append(r.errs, fmt.Sprintf("%s record %d (code %q): %s", file, i+1, code, fmt.Sprintf(format, args...)))
	} else if len(r.errs) == 20 {
		r.errs = append(r.errs, "… further errors not shown")
	}
}

func (r *recordErrs) err(source string) error {
	if len(r.errs) == 0 {
		return nil
	}
	return civiscope.Errorf(civiscope.EINVALID, "the register in %s is invalid, nothing was imported:\n  %s", source, strings.Join(r.errs, "\n  "))
}

func decode[T any](file string, b []byte) ([]T, error) {
	if b == nil {
		return nil, invalidFile(file, "missing")
	}
	var out []T
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&out); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, invalidFile(file, "malformed JSON at byte %d: %v", se.Offset, err)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, invalidFile(file, "truncated JSON (unexpected end of file)")
		}
		return nil, invalidFile(file, "unexpected JSON: %v", err)
	}
	if len(out) == 0 {
		return nil, invalidFile(file, "holds no records")
	}
	return out, nil
}

// parse validates the five source files together: a commune must point to a
// known département and région, an EPCI to known communes, and no code may
// appear twice.
func parse(source string, files map[string][]byte) (*Register, error) {
	regions, err := decode[srcArea]("regions.json", files["regions.json"])
	if err != nil {
		return nil, err
	}
	depts, err := decode[srcArea]("departements.json", files["departements.json"])
	if err != nil {
		return nil, err
	}
	communes, err := decode[srcCommune]("communes.json", files["communes.json"])
	if err != nil {
		return nil, err
	}
	epcis, err := decode[srcGroup]("epci.json", files["epci.json"])
	if err != nil {
		return nil, err
	}
	epts, err := decode[srcGroup]("ept.json", files["ept.json"])
	if err != nil {
		return nil, err
	}

	var bad recordErrs
	reg := &Register{Source: source}
	regionSet := map[string]int{}
	for i, r := range regions {
		switch {
		case !areaCode.MatchString(r.Code):
			bad.add("regions.json", i, r.Code, "malformed région code")
		case strings.TrimSpace(r.Nom) == "":
			bad.add("regions.json", i, r.Code, "missing name")
		case regionSet[r.Code] > 0:
			bad.add("regions.json", i, r.Code, "duplicate code (also record %d)", regionSet[r.Code])
		}
		regionSet[r.Code] = i + 1
	}
	deptSet := map[string]int{}
	for i, d := range depts {
		switch {
		case !areaCode.MatchString(d.Code):
			bad.add("departements.json", i, d.Code, "malformed département code")
		case strings.TrimSpace(d.Nom) == "":
			bad.add("departements.json", i, d.Code, "missing name")
		case deptSet[d.Code] > 0:
			bad.add("departements.json", i, d.Code, "duplicate code (also record %d)", deptSet[d.Code])
		case regionSet[d.Region] == 0:
			bad.add("departements.json", i, d.Code, "unknown région %q", d.Region)
		}
		deptSet[d.Code] = i + 1
	}

	communeIdx := map[string]int{} // code → index in reg.Territories
	communeRec := map[string]int{}
	deptPop := map[string]int{}
	for i, c := range communes {
		if c.Type != "commune-actuelle" {
			continue // délégués, associées and arrondissements are parts of a commune
		}
		switch {
		case !communeCode.MatchString(c.Code):
			bad.add("communes.json", i, c.Code, "malformed commune code")
			continue
		case strings.TrimSpace(c.Nom) == "":
			bad.add("communes.json", i, c.Code, "missing name")
			continue
		case communeRec[c.Code] > 0:
			bad.add("communes.json", i, c.Code, "duplicate code (also record %d)", communeRec[c.Code])
			continue
		case deptSet[c.Departement] == 0:
			bad.add("communes.json", i, c.Code, "unknown département %q", c.Departement)
			continue
		case regionSet[c.Region] == 0:
			bad.add("communes.json", i, c.Code, "unknown région %q", c.Region)
			continue
		case c.SIREN != "" && !sirenCode.MatchString(c.SIREN):
			bad.add("communes.json", i, c.Code, "malformed SIREN %q", c.SIREN)
			continue
		}
		communeRec[c.Code] = i + 1
		if c.Population != nil {
			deptPop[c.Departement] += *c.Population
			deptPop["region:"+c.Region] += *c.Population
		}
		pc := c.CodesPostal
		if pc == nil {
			pc = []string{}
		}
		communeIdx[c.Code] = len(reg.Territories)
		reg.Territories = append(reg.Territories, Territory{
			Kind: Commune, Code: c.Code, SIREN: c.SIREN, Name: c.Nom,
			Departement: c.Departement, Region: c.Region, Zone: c.Zone,
			Population: c.Population, PostalCodes: pc,
		})
	}

	groups := func(file string, kind Kind, src []srcGroup) {
		seen := map[string]int{}
		for i, g := range src {
			switch {
			case !sirenCode.MatchString(g.Code):
				bad.add(file, i, g.Code, "malformed SIREN")
				continue
			case strings.TrimSpace(g.Nom) == "":
				bad.add(file, i, g.Code, "missing name")
				continue
			case seen[g.Code] > 0:
				bad.add(file, i, g.Code, "duplicate code (also record %d)", seen[g.Code])
				continue
			}
			seen[g.Code] = i + 1
			// An EPCI's département and région are those of most of its
			// members; a few straddle a border.
			votes := map[string]int{}
			for _, m := range g.Membres {
				ci, ok := communeIdx[m.Code]
				if !ok {
					bad.add(file, i, g.Code, "member commune %q is not in communes.json", m.Code)
					continue
				}
				c := &reg.Territories[ci]
				if kind == EPCI {
					c.EPCI = g.Code
				} else {
					c.EPT = g.Code
				}
				votes[c.Departement]++
			}
			dept := majority(votes)
			region := ""
			if d := deptSet[dept]; d > 0 {
				region = depts[d-1].Region
			}
			reg.Territories = append(reg.Territories, Territory{
				Kind: kind, Code: g.Code, SIREN: g.Code, Name: g.Nom, LegalForm: g.Type,
				Departement: dept, Region: region, Population: g.Population, PostalCodes: []string{},
			})
		}
	}
	groups("epci.json", EPCI, epcis)
	groups("ept.json", EPT, epts)

	for _, d := range depts {
		p := deptPop[d.Code]
		reg.Territories = append(reg.Territories, Territory{
			Kind: Departement, Code: d.Code, Name: d.Nom, Departement: d.Code, Region: d.Region,
			Zone: d.Zone, Population: &p, PostalCodes: []string{},
		})
	}
	for _, r := range regions {
		p := deptPop["region:"+r.Code]
		reg.Territories = append(reg.Territories, Territory{
			Kind: Region, Code: r.Code, Name: r.Nom, Region: r.Code, Zone: r.Zone,
			Population: &p, PostalCodes: []string{},
		})
	}
	if err := bad.err(source); err != nil {
		return nil, err
	}
	if reg.CountKind(Commune) == 0 {
		return nil, invalidFile("communes.json", "holds no current commune")
	}
	reg.Lineage = lineage(communes, depts, regions)
	return reg, nil
}

func majority(votes map[string]int) string {
	keys := make([]string, 0, len(votes))
	for k := range votes {
		keys = append(keys, k)
	}
	sort.Strings(keys) // ties go to the lowest code, deterministically
	best, n := "", 0
	for _, k := range keys {
		if votes[k] > n {
			best, n = k, votes[k]
		}
	}
	return best
}

// ReadEmbedded reads the register snapshot shipped inside the binary.
func ReadEmbedded() (*Register, error) {
	f, err := data.FS().Open(data.COGSnapshot)
	if err != nil {
		return nil, fmt.Errorf("open embedded register: %w", err)
	}
	defer f.Close()
	return ReadSnapshot(data.COGSnapshot, f)
}
