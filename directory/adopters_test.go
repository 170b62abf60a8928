package directory_test

import (
	"context"
	"testing"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// Rueil-Malmaison (82,874), Suresnes (48,956) and Bagneux (44,572) are
// Hauts-de-Seine communes; Lyon a big commune elsewhere; the Métropole de
// Lyon an EPCI. (Nanterre belongs to another test of the package.)
func TestListCollectivitesFiltersSortsAndCounts(t *testing.T) {
	ctx := context.Background()
	tool := newTool("adopters-list")
	if err := directory.CreateTool(ctx, db, tool, curator); err != nil {
		t.Fatal(err)
	}
	obs := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		kind   territory.Kind
		code   string
		status directory.AdoptionStatus
	}{{territory.Commune, "92063", directory.StatusCurrent}, {territory.Commune, "92073", directory.StatusCurrent},
		{territory.Commune, "92007", directory.StatusEnded}, {territory.Commune, "69123", directory.StatusCurrent},
		{territory.EPCI, "200046977", directory.StatusCurrent}} {
		te, err := territory.Get(ctx, db, c.kind, c.code)
		if err != nil {
			t.Fatal(err)
		}
		a := &directory.Adoption{ToolID: tool.ID, TerritoryID: te.ID, Status: c.status, Confidence: 0.9,
			Evidence: []directory.Evidence{{SourceKind: directory.SourceCurator, SourceName: "test", ObservedAt: obs,
				Fingerprint: "adopters-" + c.code}}}
		if _, err := directory.UpsertAdoption(ctx, db, a, curator); err != nil {
			t.Fatalf("adoption %d: %v", i, err)
		}
	}
	names := func(l *directory.CollectiviteList) []string {
		var out []string
		for _, a := range l.Adoptions {
			out = append(out, a.Territory.Code)
		}
		return out
	}
	all, err := directory.ListCollectivites(ctx, db, directory.CollectiviteQuery{ToolID: tool.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(all); len(got) != 5 || got[0] != "200046977" || got[1] != "69123" || got[2] != "92063" {
		t.Errorf("largest first: %v", got)
	}
	if all.ByKind[territory.Commune] != 4 || all.ByKind[territory.EPCI] != 1 || all.ByBracket["commune-20000-49999"] != 2 {
		t.Errorf("counts: %v %v", all.ByKind, all.ByBracket)
	}
	if len(all.Adoptions[0].Evidence) != 1 {
		t.Errorf("evidence not loaded: %+v", all.Adoptions[0])
	}
	// Île-de-France communes of 20,000–49,999, current only.
	l, err := directory.ListCollectivites(ctx, db, directory.CollectiviteQuery{ToolID: tool.ID, Region: "11",
		Bracket: "commune-20000-49999", Status: directory.StatusCurrent})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(l); len(got) != 1 || got[0] != "92073" || l.Total != 1 {
		t.Errorf("IDF 20,000–49,999 current: %v (total %d)", got, l.Total)
	}
	if l.ByBracket["commune-50000-99999"] != 1 || l.ByKind[territory.Commune] != 2 {
		t.Errorf("counts ignore their own choice: %v %v", l.ByKind, l.ByBracket)
	}
	l, err = directory.ListCollectivites(ctx, db, directory.CollectiviteQuery{ToolID: tool.ID, Departement: "92", Sort: directory.SortName})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(l); len(got) != 3 || got[0] != "92007" || got[2] != "92073" {
		t.Errorf("by name in the Hauts-de-Seine: %v", got)
	}
	for name, q := range map[string]directory.CollectiviteQuery{
		"kind":       {Kind: "canton"},
		"band":       {Bracket: "commune-20000-50000"},
		"band/kind":  {Kind: territory.EPCI, Bracket: "commune-20000-49999"},
		"sort":       {Sort: "price"},
		"region":     {Region: "11'; --"},
		"status":     {Status: "maybe"},
		"past pages": {ToolID: tool.ID, Offset: 50},
	} {
		if _, err := directory.ListCollectivites(ctx, db, q); civiscope.ErrorCode(err) != civiscope.EINVALID && civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
			t.Errorf("%s: %v, want a user error", name, err)
		}
	}
}

// The attested filter and order read the evidence's observations: an
// adoption observed only in 2019 is attested in 2019, not in 2022.
func TestListCollectivitesByAttestedDate(t *testing.T) {
	ctx := context.Background()
	tool := newTool("adopters-attested")
	if err := directory.CreateTool(ctx, db, tool, curator); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code string
		year int
	}{{"92002", 2025}, {"92004", 2019}, {"92009", 2022}} { // Antony, Asnières-sur-Seine, Bois-Colombes
		te, err := territory.Get(ctx, db, territory.Commune, c.code)
		if err != nil {
			t.Fatal(err)
		}
		a := &directory.Adoption{ToolID: tool.ID, TerritoryID: te.ID, Status: directory.StatusCurrent, Confidence: 0.9,
			Evidence: []directory.Evidence{{SourceKind: directory.SourceCurator, SourceName: "test",
				ObservedAt: time.Date(c.year, 6, 1, 0, 0, 0, 0, time.UTC), Fingerprint: "attested-" + c.code}}}
		if _, err := directory.UpsertAdoption(ctx, db, a, curator); err != nil {
			t.Fatal(err)
		}
	}
	codes := func(q directory.CollectiviteQuery) []string {
		t.Helper()
		q.ToolID = tool.ID
		l, err := directory.ListCollectivites(ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range l.Adoptions {
			out = append(out, a.Territory.Code)
		}
		return out
	}
	if got := codes(directory.CollectiviteQuery{Sort: directory.SortAttested}); len(got) != 3 || got[0] != "92004" || got[1] != "92009" || got[2] != "92002" {
		t.Errorf("attested for longest first: %v", got)
	}
	if got := codes(directory.CollectiviteQuery{AttestedIn: 2022}); len(got) != 1 || got[0] != "92009" {
		t.Errorf("attested in 2022: %v", got)
	}
	if got := codes(directory.CollectiviteQuery{AttestedIn: 2020}); len(got) != 0 {
		t.Errorf("nothing is attested in 2020: %v", got)
	}
	if _, err := directory.ListCollectivites(ctx, db, directory.CollectiviteQuery{ToolID: tool.ID, AttestedIn: 1800}); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("year 1800: %v", err)
	}
}
