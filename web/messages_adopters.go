package web

// adoptersMessages are the strings of a tool's adopters and of peers'
// tools (issue 17).
func adoptersMessages() []Message {
	return append(matrixMessages(), []Message{
		{"adopters.french", "Collectivités françaises", "French collectivités"},
		{"adopters.french.count", "%s collectivités françaises du registre INSEE utilisent ou ont utilisé cet outil.", "%s French collectivités of the INSEE register use or have used this tool."},
		{"adopters.french.count.one", "%s collectivité française du registre INSEE utilise ou a utilisé cet outil.", "%s French collectivité of the INSEE register uses or has used this tool."},
		{"adopters.french.filtered", "%s collectivités françaises du registre INSEE correspondent à ces filtres.", "%s French collectivités of the INSEE register match these filters."},
		{"adopters.french.filtered.one", "%s collectivité française du registre INSEE correspond à ces filtres.", "%s French collectivité of the INSEE register matches these filters."},
		{"adopters.french.caption", "Collectivités françaises qui utilisent %s, avec les preuves (%s à %s sur %s)", "French collectivités using %s, with evidence (%s to %s of %s)"},
		{"adopters.french.none", "Aucune collectivité française ne correspond à ces filtres.", "No French collectivité matches these filters."},
		{"adopters.filter", "Filtrer les collectivités", "Filter collectivités"},
		{"adopters.kind", "Type", "Type"},
		{"adopters.any", "tous", "all"},
		{"adopters.region", "Région", "Region"},
		{"adopters.departement", "Département", "Département"},
		{"adopters.bracket", "Population (strates par type)", "Population (bands by type)"},
		{"adopters.status", "Statut", "Status"},
		{"adopters.status.current", "en cours", "current"},
		{"adopters.status.ended", "terminée", "ended"},
		{"adopters.sort", "Trier par", "Sort by"},
		{"adopters.sort.population", "population décroissante", "population, largest first"},
		{"adopters.sort.nom", "nom (A → Z)", "name (A → Z)"},
		{"adopters.sort.attestation", "attestée depuis le plus longtemps", "attested for longest"},
		{"adopters.attested", "Attestée en (année d’une observation)", "Attested in (year of an observation)"},
		{"adopters.apply", "Appliquer", "Apply"},
		{"adopters.clear", "Retirer les filtres", "Clear the filters"},
		{"adopters.bykind", "Par type (collectivités françaises)", "By type (French collectivités)"},
		{"adopters.bybracket", "Par strate de population (collectivités françaises)", "By population band (French collectivités)"},
		{"adopters.orgs", "Organisations et adoptants étrangers", "Organisations and foreign adopters"},
		{"adopters.orgs.count", "%s organisations (associations, entreprises, institutions françaises ou étrangères) hors registre des collectivités.", "%s organisations (associations, companies, French or foreign institutions) outside the register of collectivités."},
		{"adopters.orgs.count.one", "%s organisation (association, entreprise, institution française ou étrangère) hors registre des collectivités.", "%s organisation (association, company, French or foreign institution) outside the register of collectivités."},
		{"adopters.orgs.caption", "Organisations et adoptants étrangers qui utilisent %s, avec les preuves", "Organisations and foreign adopters using %s, with evidence"},
		{"territory.communes.tools", "Outils utilisés par ses communes", "Tools its communes use"},
		{"territory.communes.tools.count", "%s adoptions documentées par les communes du département (les %s premières, des plus peuplées aux moins peuplées).", "%s documented adoptions by the département's communes (the first %s, largest first)."},
		{"territory.communes.tools.count.one", "%[1]s adoption documentée par les communes du département.", "%[1]s documented adoption by the département's communes."},
		{"territory.communes.tools.caption", "Adoptions par les communes de %s, avec les preuves", "Adoptions by the communes of %s, with evidence"},
		{"home.adoptions.split", "(%s par des collectivités françaises, %s par des organisations ou à l’étranger)", "(%s by French collectivités, %s by organisations or abroad)"},
		{"home.bycategory.scope", "Chaque adoption d’une collectivité française du registre INSEE compte une fois, dans la catégorie que sa source indique (ou l’unique catégorie de l’outil).", "Each adoption by a French collectivité of the INSEE register counts once, in the category its source states (or the tool’s only category)."},
		{"home.bycategory.uncategorised", "%s autres adoptions de collectivités ne disent pas leur catégorie et ne sont pas comptées ici.", "%s other adoptions by collectivités do not state their category and are not counted here."},
		{"home.bycategory.uncategorised.one", "%s autre adoption de collectivité ne dit pas sa catégorie et n’est pas comptée ici.", "%s other adoption by a collectivité does not state its category and is not counted here."},
		{"home.bycategory.caption", "Nombre d’adoptions par des collectivités françaises, par catégorie de l’adoption", "Number of adoptions by French collectivités, by category of the adoption"},
		{"home.bycategory.unit", "Adoptions (collectivités françaises)", "Adoptions (French collectivités)"},
		{"compare.adoptions.all", "Adoptions documentées (tous adoptants : collectivités, organisations, étranger)", "Documented adoptions (every adopter: collectivités, organisations, abroad)"},
		{"compare.sources", "Adoptions par source des preuves (une adoption appuyée par deux sources compte pour chacune)", "Adoptions by source of evidence (an adoption backed by two sources counts for each)"},
		{"compare.size.unknown", "%s de population inconnue", "%s of unknown population"},
		{"adopters.map.link", "Voir les collectivités de ce département", "See this département's collectivités"},
	}...)
}

// matrixMessages are the strings of the peers × tools table.
func matrixMessages() []Message {
	return []Message{
		{"peers.map.title", "Collectivités comparables qui utilisent au moins un de ces outils, par département", "Comparable collectivités that use at least one of these tools, by département"},
		{"peers.map.count", "Collectivités comparables utilisatrices", "Comparable collectivités using them"},
		{"peers.map.empty", "Aucune collectivité comparable n’utilise ces outils : rien à situer sur la carte.", "No comparable collectivité uses these tools: nothing to place on the map."},
		{"matrix.title", "Qui utilise quoi parmi ces collectivités", "Who uses what among these collectivités"},
		{"matrix.caption", "Collectivités comparables à %s et outils qu’elles utilisent ; chaque case mène aux adoptions et à leurs preuves", "Collectivités comparable to %s and the tools they use; each cell leads to the adoptions and their evidence"},
		{"matrix.intro", "%s des %s collectivités comparables utilisent au moins un de ces outils (adoptions documentées, en cours ou terminées).", "%s of the %s comparable collectivités use at least one of these tools (documented adoptions, current or ended)."},
		{"matrix.intro.one", "%s des %s collectivités comparables utilise au moins un de ces outils (adoptions documentées, en cours ou terminées).", "%s of the %s comparable collectivités uses at least one of these tools (documented adoptions, current or ended)."},
		{"matrix.sort", "Trier par :", "Sort by:"},
		{"matrix.sortby", "trier", "sort"},
		{"matrix.self", "vous", "you"},
		{"matrix.uses", "utilise", "uses"},
		{"matrix.ended", "a utilisé", "used"},
		{"matrix.evidence", "%s : voir l’adoption et ses preuves", "%s: see the adoption and its evidence"},
	}
}
