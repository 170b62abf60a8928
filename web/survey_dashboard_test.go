package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// submitted marks the invitations of the given frame members (kind:code)
// as submitted, as the respondent flow does on its last step: the page
// counts participation from invitations.
func submitted(t *testing.T, year int, members ...string) {
	t.Helper()
	var kinds, codes []string
	for _, m := range members {
		kind, code, _ := strings.Cut(m, ":")
		kinds, codes = append(kinds, kind), append(codes, code)
	}
	tag, err := db.Exec(context.Background(), `UPDATE survey_invitation i SET status = 'submitted'
		FROM survey_edition e, territory t, unnest($2::text[], $3::text[]) AS m(kind, code)
		WHERE e.id = i.edition_id AND e.year = $1 AND t.id = i.territory_id AND t.kind = m.kind AND t.code = m.code`, year, kinds, codes)
	if err != nil {
		t.Fatal(err)
	}
	if int(tag.RowsAffected()) != len(members) {
		t.Fatalf("marked %d invitations submitted, want %d", tag.RowsAffected(), len(members))
	}
}

// rateCells reads the participation tables: stratum label → its rate cell.
func rateCells(t *testing.T, body string) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<th scope="row">([^<]+)</th>\s*<td>[^<]*</td>\s*<td>(.*?)</td>`)
	cells := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		cells[m[1]] = m[2]
	}
	if len(cells) == 0 {
		t.Fatalf("no stratum rows in page:\n%s", body)
	}
	return cells
}

var shownN = regexp.MustCompile(`\((\d+)/\d+\)`)

func TestSurveyParticipationDisclosure(t *testing.T) {
	// Auvergne-Rhône-Alpes: 10 communes, 6 départements and the région
	// itself; 7 communes, 5 départements and the région answer.
	communes := []string{"38185", "69123", "63113", "42218", "74010", "73065", "01053", "26362", "03185", "15014"}
	departements := []string{"38", "69", "63", "42", "74", "73"}
	frame := "kind,code\n"
	for _, c := range communes {
		frame += "commune," + c + "\n"
	}
	for _, d := range departements {
		frame += "departement," + d + "\n"
	}
	frame += "region,84\n"
	srv, inv := newSurveyFrame(t, 2064, frame)
	if len(inv) != 17 {
		t.Fatalf("%d invitations, want 17", len(inv))
	}
	var answered []string
	for _, c := range communes[:7] {
		answered = append(answered, "commune:"+c)
	}
	for _, d := range departements[:5] {
		answered = append(answered, "departement:"+d)
	}
	submitted(t, 2064, append(answered, "region:84")...)

	r := do(t, "GET", srv.URL+"/barometre/2064/participation", nil)
	if r.status != 200 {
		t.Fatalf("participation: %d %s", r.status, r.body)
	}
	// 13 respondents in all: at least k, so the total is public.
	if !strings.Contains(r.body, "Réponses transmises : 13 sur 17 collectivités interrogées (76 %).") {
		t.Errorf("total missing:\n%s", r.body)
	}
	if !strings.Contains(r.body, "Secret statistique : un groupe de moins de 5 répondants est masqué") {
		t.Error("the page does not explain the hidden cells")
	}
	for _, unprotected := range []string{"Invitées", "Commencées"} {
		if strings.Contains(r.body, unprotected) {
			t.Errorf("the public page shows %q per stratum", unprotected)
		}
	}
	cells := rateCells(t, r.body)
	hidden := func(label string) bool {
		t.Helper()
		c, ok := cells[label]
		if !ok {
			t.Fatalf("no row %q in %v", label, cells)
		}
		return strings.Contains(c, "·") && !shownN.MatchString(c)
	}
	// No stratum shows a count of respondents between 1 and k-1.
	for label, c := range cells {
		for _, m := range shownN.FindAllStringSubmatch(c, -1) {
			if n, _ := strconv.Atoi(m[1]); n > 0 && n < 5 {
				t.Errorf("%s shows %d respondents: %q", label, n, c)
			}
		}
	}
	// By kind: the one région is hidden (primary); it would be the total
	// minus the other kinds, so one of them is hidden too (secondary), and
	// the other is shown with its n.
	if !hidden("Régions") {
		t.Errorf("the région's answer is published: %q", cells["Régions"])
	}
	switch c, d := hidden("Communes"), hidden("Départements"); {
	case c == d:
		t.Errorf("want exactly one of communes (%q) and départements (%q) hidden as a complement", cells["Communes"], cells["Départements"])
	case !c && !strings.Contains(cells["Communes"], "70 % <small>(7/10)</small>"):
		t.Errorf("communes: %q, want 70 %% with n = 7 of 10", cells["Communes"])
	case !d && !strings.Contains(cells["Départements"], "83 % <small>(5/6)</small>"):
		t.Errorf("départements: %q, want 83 %% with n = 5 of 6", cells["Départements"])
	}
	// By population, in the one band scheme (each kind among its own kind):
	// one answer among communes of 50,000 to 99,999 inhabitants and one
	// among those of 20,000 to 49,999; hiding both keeps either from being
	// recomputed from the total.
	for _, label := range []string{"communes de 50\u202f000 à 99\u202f999 hab.", "communes de 20\u202f000 à 49\u202f999 hab."} {
		if !hidden(label) {
			t.Errorf("%s is published: %q", label, cells[label])
		}
	}
	if c := cells["communes de 100\u202f000 hab. et plus"]; !strings.Contains(c, "100 % <small>(5/5)</small>") {
		t.Errorf("communes of 100,000 or more: %q, want 100 %% with n = 5 of 5", c)
	}
	// By région: everyone is in Auvergne-Rhône-Alpes, which is the total.
	if c := cells["Auvergne-Rhône-Alpes"]; !strings.Contains(c, "76 % <small>(13/17)</small>") {
		t.Errorf("Auvergne-Rhône-Alpes: %q, want 76 %% with n = 13 of 17", c)
	}
}

func TestSurveyParticipationSmallTotal(t *testing.T) {
	srv, _ := newSurvey(t, 2065, "13055")
	submitted(t, 2065, "commune:13055")
	r := do(t, "GET", srv.URL+"/barometre/2065/participation", nil)
	if r.status != 200 {
		t.Fatalf("participation: %d %s", r.status, r.body)
	}
	// One collectivité asked, one answer: publishing "1 of 1" would say
	// which one answered.
	if !strings.Contains(r.body, "Réponses transmises : moins de 5, nombre masqué par le secret statistique, sur 1 collectivité interrogée.") {
		t.Errorf("total under k not hidden:\n%s", r.body)
	}
	if strings.Contains(r.body, "1 sur 1") || shownN.MatchString(r.body) {
		t.Errorf("a count under k is published:\n%s", r.body)
	}
	if c := rateCells(t, r.body)["Communes"]; !strings.Contains(c, "·") {
		t.Errorf("communes: %q", c)
	}
}
