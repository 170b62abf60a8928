package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civiscope/civiscope/directory/territory"
)

func territoryCommands() []command {
	return []command{
		{
			name:    "import territories",
			args:    "[PATH]",
			summary: "load the INSEE register (npm tarball or directory; default: the shipped snapshot)",
			run:     importTerritories,
		},
		{
			name:    "territories find",
			args:    "NAME [--departement CODE] [--kind KIND] [--limit N] [--historic]",
			summary: "look a collectivité up by name, ignoring accents, case and punctuation",
			run:     findTerritories,
		},
	}
}

func importTerritories(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "import territories"), args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errUsage
	}
	start := time.Now()
	var reg *territory.Register
	if len(pos) == 1 {
		reg, err = territory.ReadPath(pos[0])
	} else {
		reg, err = territory.ReadEmbedded()
	}
	if err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	st, err := territory.Import(ctx, pool, reg, a.progress("import territories"))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "register %s: %d communes, %d EPCI, %d EPT, %d départements, %d régions\n",
		reg.Source, reg.CountKind(territory.Commune), reg.CountKind(territory.EPCI),
		reg.CountKind(territory.EPT), reg.CountKind(territory.Departement), reg.CountKind(territory.Region))
	fmt.Fprintf(a.Stdout, "%d inserted, %d updated, %d unchanged, %d restored, %d now historic, in %s\n",
		st.Inserted, st.Updated, st.Unchanged, st.Restored, st.Historic, time.Since(start).Round(time.Millisecond))
	return nil
}

func findTerritories(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "territories find")
	dept := fs.String("departement", "", "only this département (INSEE code)")
	kind := fs.String("kind", "", "only this kind: commune, epci, ept, departement, region")
	limit := fs.Int("limit", 10, "at most this many results")
	historic := fs.Bool("historic", false, "include communes that left the register")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return errUsage
	}
	opt := territory.FindOptions{Departement: strings.ToUpper(*dept), Limit: *limit, Historic: *historic}
	if *kind != "" {
		opt.Kinds = []territory.Kind{territory.Kind(*kind)}
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	ms, err := territory.Find(ctx, pool, strings.Join(pos, " "), opt)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Fprintf(a.Stdout, "No territory matches %q. Check the spelling, or drop --departement/--kind.\n", strings.Join(pos, " "))
		return nil
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tNAME\tTYPE\tDÉPARTEMENT\tPOPULATION\tMATCH")
	for _, m := range ms {
		typ := string(m.Kind)
		if m.LegalForm != "" {
			typ += " (" + m.LegalForm + ")"
		}
		if m.Historic {
			typ += ", historic"
		}
		dep := m.Departement
		if m.DepartementName != "" {
			dep += " " + m.DepartementName
		}
		pop := "—"
		if m.Population != nil {
			pop = fmt.Sprint(*m.Population)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Code, m.Name, typ, dep, pop, m.Rank)
	}
	return w.Flush()
}
