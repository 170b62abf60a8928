package web

// websiteMessages are the strings about collectivités' official websites.
func websiteMessages() []Message {
	return []Message{
		{"website.current", "Site officiel", "Official website"},
		{"website.none", "aucun site connu", "no known website"},
		{"website.source", "Source : %s, %s ; relevé entre le %s et le %s.", "Source: %s, %s; listed between %s and %s."},
		{"website.former", "Autres adresses connues", "Other known addresses"},
		{"website.former.caption", "Adresses anciennes ou secondaires, avec leur source et les dates où elle les relevait", "Former or secondary addresses, with their source and the dates it listed them"},
		{"website.address", "Adresse", "Address"},
		{"website.why", "Pourquoi elle n’est pas le site officiel", "Why it is not the official website"},
		{"website.listed", "Relevée", "Listed"},
		{"website.report", "Signaler une erreur sur le site officiel", "Report a mistake in the official website"},
	}
}
