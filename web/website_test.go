package web_test

import (
	"context"
	"testing"
)

// A territory page shows the official website with its source and dates,
// and the other known addresses with why they are not official.
func TestTerritoryShowsItsWebsite(t *testing.T) {
	ctx := context.Background()
	if _, err := db.Exec(ctx, `INSERT INTO territory_website (territory_id, url, host, status, note, source, source_title, source_url,
			source_record, listed_code, licence, first_listed, last_listed)
		SELECT id, u, h, s, n, 'annuaire-2019', 'Annuaire de l''administration 2019', 'https://github.com/okfnfr/dada-france-authorities',
			'mairie-31555-01', '31555', 'Licence Ouverte', '2015-11-23', l::date
		FROM territory, (VALUES ('http://www.toulouse.fr/', 'toulouse.fr', 'current', '', '2019-10-22'),
			('http://www.mairie-ancienne.fr/', 'mairie-ancienne.fr', 'former', 'replaced by toulouse.fr', '2015-11-23')) AS v(u, h, s, n, l)
		WHERE kind = 'commune' AND code = '31555'`); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	r := get(t, srv, "/territoires/commune/31555")
	mustContain(t, "toulouse", r.body, `<dt>Site officiel</dt><dd><a href="http://www.toulouse.fr/"`,
		"Annuaire de l&#39;administration 2019, Licence Ouverte ; relevé entre le 23 novembre 2015 et le 22 octobre 2019",
		"Autres adresses connues (1)", "http://www.mairie-ancienne.fr/", "replaced by toulouse.fr")
	untranslated(t, "toulouse", r.body)
	en := get(t, srv, "/territoires/commune/31555?lang=en")
	mustContain(t, "toulouse en", en.body, "Official website", "listed between 23 November 2015 and 22 October 2019")
	// A commune without a known site says so.
	r = get(t, srv, "/territoires/commune/01001")
	mustContain(t, "abergement", r.body, "aucun site connu")
}
