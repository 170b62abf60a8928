package website

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/civiscope/civiscope/directory/territory"
)

// DomainList is one of Etalab's lists: a file of domain names and the
// kind of collectivité it lists.
type DomainList struct {
	File string
	Kind territory.Kind
}

// DomainLists are the shipped lists.
var DomainLists = []DomainList{
	{"communes.txt", territory.Commune},
	{"epci.txt", territory.EPCI},
	{"conseils-departementaux.txt", territory.Departement},
	{"conseils-regionaux.txt", territory.Region},
}

// Domain is one name of a list.
type Domain struct {
	List DomainList
	Host string // without "www."
}

// ReadDomains reads a list: one name a line, "www." and bare forms both
// listed, an optional "# comment" after the name.
func ReadDomains(list DomainList, r io.Reader) ([]Domain, []Rejected, error) {
	seen := map[string]bool{}
	var out []Domain
	var bad []Rejected
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		name, _, _ := strings.Cut(sc.Text(), "#")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		_, host, err := normalize(name)
		if err != nil {
			bad = append(bad, Rejected{Source: &EtalabDomains, Record: fmt.Sprintf("%s line %d", list.File, line), Value: name, Reason: err.Error()})
			continue
		}
		if !seen[host] {
			seen[host] = true
			out = append(out, Domain{List: list, Host: host})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", list.File, err)
	}
	return out, bad, nil
}

// ReadShippedDomains reads every shipped list.
func ReadShippedDomains(fsys fs.FS) ([]Domain, []Rejected, error) {
	var all []Domain
	var bad []Rejected
	for _, l := range DomainLists {
		f, err := fsys.Open(path.Join(DomainsDir, l.File))
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: %w", l.File, err)
		}
		d, b, err := ReadDomains(l, f)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		all, bad = append(all, d...), append(bad, b...)
	}
	return all, bad, nil
}

// Names indexes collectivités by a squeezed name (Normalize without
// spaces) for matching domain names, per kind.
type Names map[territory.Kind]map[string][]int64

// nameKey squeezes a name or a domain label: "Saint-Étienne" and
// "saintetienne" give the same key.
func nameKey(s string) string {
	return strings.ReplaceAll(territory.Normalize(s), " ", "")
}

// Add indexes a collectivité's name.
func (n Names) Add(kind territory.Kind, name string, id int64) {
	if n[kind] == nil {
		n[kind] = map[string][]int64{}
	}
	k := nameKey(name)
	n[kind][k] = append(n[kind][k], id)
}

// prefixes people put before a collectivité's name in its domain.
var prefixes = []string{"www", "ville", "mairie", "commune", "cc", "agglo", "departement", "region", "conseilgeneral", "conseildepartemental", "conseilregional", "cg", "cd"}

// MatchDomains attaches a domain to a collectivité only when its first
// label, stripped of a usual prefix, is the name of exactly one
// collectivité of the list's kind which has no website yet; every other
// domain stays an unlinked seed with the reason. known holds the host keys
// already in the register.
func (n Names) MatchDomains(domains []Domain, known map[string]bool, hasSite map[int64]bool) ([]Row, []Rejected) {
	var rows []Row
	var unlinked []Rejected
	taken := map[int64]string{}
	for _, d := range domains {
		if known[d.Host] {
			continue
		}
		rec := Rejected{Source: &EtalabDomains, Record: d.List.File + ":" + d.Host, Value: d.Host}
		label, _, _ := strings.Cut(d.Host, ".")
		key := nameKey(strings.ReplaceAll(label, "-", " "))
		ids := n[d.List.Kind][key]
		for _, p := range prefixes {
			if len(ids) == 0 && strings.HasPrefix(key, p) && len(key) > len(p) {
				ids = n[d.List.Kind][key[len(p):]]
			}
		}
		switch {
		case len(ids) == 0:
			rec.Reason = fmt.Sprintf("no %s is named %q", d.List.Kind.Label(), label)
		case len(ids) > 1:
			rec.Reason = fmt.Sprintf("%d %ss are named %q", len(ids), d.List.Kind.Label(), label)
		case hasSite[ids[0]]:
			rec.Reason = "the one collectivité of that name already has a website from the annuaire"
		case taken[ids[0]] != "":
			rec.Reason = "the one collectivité of that name already matches " + taken[ids[0]]
		}
		if rec.Reason != "" {
			unlinked = append(unlinked, rec)
			continue
		}
		taken[ids[0]] = d.Host
		rows = append(rows, Row{TerritoryID: ids[0], URL: "https://" + d.Host + "/", Host: d.Host, Current: true,
			Source: &EtalabDomains, Record: d.List.File, First: EtalabDomains.Snapshot, Last: EtalabDomains.Snapshot})
	}
	return rows, unlinked
}
