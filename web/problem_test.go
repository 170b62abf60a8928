package web

import (
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
)

func TestExplainSaysRulesInEachLanguage(t *testing.T) {
	cat, err := NewCatalogue(messages(), directoryMessages(), problemMessages())
	if err != nil {
		t.Fatal(err)
	}
	invalid := civiscope.Invalid([]civiscope.FieldError{
		civiscope.Field("tagline_fr", "too_long", civiscope.Params{"length": 1201, "max": 200}, "is too long (1201 characters, at most 200)"),
		civiscope.Field("sources[0].name", "required", nil, "is required"),
		{Field: "website", Message: "an English sentence without a rule"},
	})
	fr := cat.Explain(FR, invalid)
	if fr.Message != "3 champs sont à corriger." || len(fr.Fields) != 3 {
		t.Fatalf("French: %+v", fr)
	}
	if f := fr.Fields[0]; f.Field != "tagline_fr" || f.Label != "Accroche en français" || f.Message != "trop long : 1\u202f201 caractères, 200 au plus" {
		t.Errorf("French field: %+v", f)
	}
	if f := fr.Fields[1]; f.Field != "sources" || f.Label != "Sources" || f.Message != "obligatoire" {
		t.Errorf("a nested field belongs to its form field: %+v", f)
	}
	if f := fr.Fields[2]; f.Message != "valeur refusée" {
		t.Errorf("an English message without a rule must not reach a French page: %+v", f)
	}
	en := cat.Explain(EN, invalid)
	if en.Message != "3 fields need correcting." || en.Fields[0].Message != "is too long (1,201 characters, at most 200)" ||
		en.Fields[2].Message != "an English sentence without a rule" {
		t.Errorf("English: %+v", en)
	}
	// A whole-form rule with a field parameter names the field by its label.
	conflict := civiscope.Ruled(civiscope.ECONFLICT, "revert_conflict", civiscope.Params{"field": "business_model", "revision": int64(12)}, "x")
	if got := cat.Explain(FR, conflict).Message; !strings.Contains(got, "« Modèle économique »") || !strings.Contains(got, "n° 12") {
		t.Errorf("French conflict: %q", got)
	}
	// Without a rule, French pages get the code's message; a throttle says
	// how long to wait.
	if got := cat.Explain(FR, civiscope.Errorf(civiscope.EFORBIDDEN, "the form's security token is missing")).Message; strings.Contains(got, "token") || got == "" {
		t.Errorf("French forbidden: %q", got)
	}
	if got := cat.Explain(FR, account.TooMany(90*time.Second, "slow down")).Message; got != "Trop de demandes : réessayez dans 2 min." {
		t.Errorf("French throttle: %q", got)
	}
	if got := cat.Explain(EN, civiscope.Errorf(civiscope.EINTERNAL, "secret detail")).Message; strings.Contains(got, "secret") {
		t.Errorf("an internal error leaked: %q", got)
	}
	// Every rule the domain names has words in the catalogue.
	for _, rule := range []string{"required", "too_long", "too_short", "slug", "url", "url_scheme", "country", "siren", "choose_one",
		"unknown_value", "licence", "year_range", "future", "date", "month", "email", "email_taken", "reject_reason",
		"revert_reason", "nothing_changed", "duplicate", "already_decided", "own_proposal", "claim_failed", "claim_no_meta",
		"claim_no_txt", "claim_no_vendor", "claim_no_website", "contributions_per_hour", "contributions_per_day"} {
		if !cat.Has("rule." + rule) {
			t.Errorf("no words for rule %q", rule)
		}
	}
}
