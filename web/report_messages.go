package web

import "github.com/civiscope/civiscope/directory"

func reportsCategories() []directory.Category { return directory.Categories() }

func reportMessages() []Message {
	return []Message{
		{"report.title", "Rapports et données ouvertes", "Reports and open data"},
		{"report.intro", "Les tendances d'adoption des outils de participation, leur survie, les résultats du baromètre et les fichiers à citer.", "Adoption trends of participation tools, their survival, barometer results and citable files."},
		{"report.trends", "Tendances d'adoption", "Adoption trends"},
		{"report.survival", "Survie des outils", "Survival of tools"},
		{"report.barometer", "Baromètre %d", "Barometer %d"},
		{"report.barometers", "Résultats du baromètre", "Barometer results"},
		{"report.no_barometer", "Aucune édition du baromètre n'est encore publiée.", "No barometer edition is published yet."},
		{"report.opendata", "Données ouvertes", "Open data"},
		{"report.download", "Télécharger les données de ce graphique (CSV)", "Download the data of this chart (CSV)"},
		{"report.asof", "Données au %s.", "Data as of %s."},
		{"report.never", "Les tendances n'ont pas encore été calculées : lancez « civiscope export refresh ».", "Trends have not been computed yet: run `civiscope export refresh`."},
		{"report.key", "Valeur", "Value"},
		{"report.label", "Libellé", "Label"},
		{"report.count", "Adoptions", "Adoptions"},
		{"report.total", "Total", "Total"},
		{"report.empty", "Aucune adoption ne correspond à ces filtres.", "No adoption matches these filters."},
		{"report.filter", "Filtrer", "Filter"},
		{"report.from", "De l'année", "From year"},
		{"report.to", "À l'année", "To year"},
		{"report.category", "Catégorie", "Category"},
		{"report.kind", "Type d'adoptant", "Kind of adopter"},
		{"report.region", "Région (code INSEE)", "Région (INSEE code)"},
		{"report.any", "toutes", "any"},
		{"report.cohort", "Cohorte", "Cohort"},
		{"report.years", "Années", "Years"},
		{"report.surv", "Survie", "Survival"},
		{"report.atrisk", "Encore observés", "At risk"},
		{"report.events", "Disparus", "Ended"},
		{"report.excluded", "%d outils sans année de lancement ou sans date de fin sont exclus.", "%d tools without a launch year or an end date are left out."},
		{"report.k", "Secret statistique : une case de moins de %d répondants est masquée (·), ainsi que les cases qui permettraient de la recalculer. Chaque pourcentage est suivi de son effectif n.", "Disclosure control: a cell of fewer than %d respondents is hidden (·), as are cells that would let it be recomputed. Every percentage shows its n."},
		{"report.respondents", "%d répondants.", "%d respondents."},
		{"report.by", "Ventilation", "Breakdown"},
		{"report.group", "Groupe", "Group"},
		{"report.hidden", "masqué", "hidden"},
		{"report.file", "Fichier", "File"},
		{"report.size", "Taille (octets)", "Size (bytes)"},
		{"report.rows", "Lignes", "Rows"},
		{"report.sha", "SHA-256", "SHA-256"},
		{"report.norelease", "Pas encore de version publiée.", "No release published yet."},
		{"report.rates", "Taux de réponse par rapport à la base de sondage", "Response rate against the sampling frame"},
		{"report.frame", "Base de sondage", "Frame"},
		{"report.responded", "Ont répondu", "Responded"},
		{"report.chartof", "Pourcentages affichés dans le tableau qui suit, avec leurs effectifs.", "Percentages shown in the table below, with their n."},
		{"report.version", "Version %s, publiée le %s", "Version %s, published %s"},
	}
}
