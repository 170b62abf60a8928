package directory_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
)

func shippedSeed(t *testing.T) []byte {
	t.Helper()
	b, err := fs.ReadFile(data.DirectoryFS(), data.ToolSeed)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestShippedSeedLoadsAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	raw := shippedSeed(t)
	st, err := directory.LoadSeed(ctx, db, raw)
	if err != nil {
		t.Fatal(err)
	}
	if st.ToolsCreated < 60 {
		t.Fatalf("seed created %d tools, want at least 60", st.ToolsCreated)
	}
	// Every tool named in issue 3 is there.
	for _, slug := range []string{"decidim", "consul", "cap-collectif", "go-vocal", "fluicity", "make-org",
		"id-city", "civocracy", "democracyos", "assembl", "voxe", "change-org", "politizr", "le-drenche",
		"parlement-et-citoyens", "tellmycity", "neighborland", "nationbuilder", "digitalebox", "civicrm",
		"helloasso", "loomio", "seeclickfix", "stig", "accropolis", "nosdeputes", "opendatasoft", "tan",
		"nova-ideo", "citizen-space", "engagementhq"} {
		tool, err := directory.GetTool(ctx, db, slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
			continue
		}
		if len(tool.Sources) == 0 || tool.DescriptionFR == "" || tool.DescriptionEN == "" {
			t.Errorf("%s has no source or description", slug)
		}
	}
	revs, _ := directory.LatestRevisionID(ctx, db)
	st2, err := directory.LoadSeed(ctx, db, raw)
	if err != nil {
		t.Fatal(err)
	}
	if st2.ToolsCreated+st2.ToolsUpdated+st2.VendorsCreated+st2.VendorsUpdated != 0 {
		t.Fatalf("second load changed things: %+v", st2)
	}
	if after, _ := directory.LatestRevisionID(ctx, db); after != revs {
		t.Fatalf("second load wrote %d revisions", after-revs)
	}
}

func TestSeedRejectsTyposAndBadFacts(t *testing.T) {
	for name, raw := range map[string]string{
		"unknown field":    `{"vendors":[],"tools":[{"slug":"x","name":"X","categories":["petitions"],"licnce":"MIT","sources":[{"kind":"curator","name":"n","fields":[]}]}]}`,
		"no source":        `{"vendors":[],"tools":[{"slug":"x","name":"X","categories":["petitions"],"sources":[]}]}`,
		"unknown vendor":   `{"vendors":[],"tools":[{"slug":"x","name":"X","categories":["petitions"],"vendor":"ghost","sources":[{"kind":"curator","name":"n","fields":[]}]}]}`,
		"bad licence":      `{"vendors":[],"tools":[{"slug":"x","name":"X","categories":["petitions"],"licence":"Libre","sources":[{"kind":"curator","name":"n","fields":[]}]}]}`,
		"vendor no source": `{"vendors":[{"slug":"v","name":"V","kind":"company"}],"tools":[]}`,
	} {
		_, err := directory.ReadSeed(strings.NewReader(raw))
		if civiscope.ErrorCode(err) != civiscope.EINVALID {
			t.Errorf("%s: want EINVALID, got %v", name, err)
		}
	}
}
