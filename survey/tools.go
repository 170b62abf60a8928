package survey

import (
	"context"
	"fmt"
	"sort"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// participationCategories are the directory categories whose tools the
// barometer asks about.
func participationCategories() []string {
	return []string{"consultation", "participatory-budgeting", "petitions", "issue-reporting",
		"participatory-mapping", "deliberation", "voting", "co-writing"}
}

// ToolChoicesFromDirectory replaces the choices of the form's tool
// question (concept ConceptTool) with the directory's participation tools,
// by slug and name, keeping "other" last. Run before ImportForm, it makes
// the list the directory as it is when the edition is prepared.
func ToolChoicesFromDirectory(ctx context.Context, db postgres.Querier, f *xlsform.Form) (int, error) {
	q := byConcept(f, ConceptTool)
	if q == nil || q.Type != xlsform.SelectOne {
		return 0, civiscope.Errorf(civiscope.EINVALID, "the questionnaire has no select_one question with concept %q to fill with the directory's tools", ConceptTool)
	}
	names := map[string]string{}
	for _, cat := range participationCategories() {
		after := ""
		for {
			page, err := directory.ListTools(ctx, db, directory.ToolFilter{Category: cat, After: after, Limit: 100})
			if err != nil {
				return 0, fmt.Errorf("list %s tools: %w", cat, err)
			}
			for _, t := range page.Tools {
				names[t.Slug] = t.Name
			}
			if page.Next == "" {
				break
			}
			after = page.Next
		}
	}
	if len(names) == 0 {
		return 0, civiscope.Errorf(civiscope.EINVALID, "the directory has no participation tools yet; load it first (`civiscope import seed`)")
	}
	other := f.Choice(q.List, OtherTool)
	choices := make([]xlsform.Choice, 0, len(names)+1)
	for slug, name := range names {
		choices = append(choices, xlsform.Choice{Name: slug, Label: xlsform.Text{"fr": name, "en": name}})
	}
	sort.Slice(choices, func(i, j int) bool { return choices[i].Label["fr"] < choices[j].Label["fr"] })
	if other != nil {
		choices = append(choices, *other)
	}
	f.Choices[q.List] = choices
	return len(names), f.Compile()
}
