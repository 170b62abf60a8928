package web

// peerMap draws where the peers that use the matrix's tools are: the
// number of such peers per département, with the table that carries the
// same figures, each row linking to the département's page. It answers
// "who near me, of my size, uses something" at a glance, and the table
// keeps it readable without the picture.
func (s *Site) peerMap(lang Lang, id string, m peerMatrix) mapView {
	counts := map[string]int{}
	for _, r := range m.Rows {
		if r.Self || r.T.Departement == "" {
			continue
		}
		counts[r.T.Departement]++
	}
	return s.departementMap(lang, id, s.rd.cat.T(lang, "peers.map.title"), counts)
}
