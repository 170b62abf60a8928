package web

import (
	"strings"
)

// surveyMessages are the respondent flow's UI strings.
func surveyMessages() []Message {
	return []Message{
		{"survey.step", "Étape %d sur %d", "Step %d of %d"},
		{"survey.for", "pour %s", "for %s"},
		{"survey.start.title", "Votre réponse au baromètre", "Your answer to the barometer"},
		{"survey.start.intro", "Vous répondez au nom de %s. Toute personne de la collectivité qui a ce lien peut compléter la même réponse.", "You answer on behalf of %s. Anyone in the authority with this link can work on the same answer."},
		{"survey.start.deadline", "Réponses attendues jusqu'au %s.", "Answers are expected until %s."},
		{"survey.start.prefilled", "Les réponses de la précédente édition ont été reprises : vérifiez-les et mettez-les à jour.", "Last edition's answers have been copied in: check and update them."},
		{"survey.start.begin", "Commencer", "Start"},
		{"survey.start.resume", "Reprendre", "Resume"},
		{"survey.start.steps", "Les étapes", "The steps"},
		{"survey.start.save", "Chaque étape est enregistrée sur le serveur dès que vous la validez : vous pouvez vous arrêter et reprendre plus tard, depuis n'importe quel appareil.", "Each step is saved on the server as soon as you confirm it: you can stop and resume later, from any device."},
		{"survey.required", "obligatoire", "required"},
		{"survey.required.note", "Les questions marquées « obligatoire » doivent recevoir une réponse ; « Je ne sais pas » est une réponse.", "Questions marked “required” need an answer; “Don't know” is an answer."},
		{"survey.errors.title", "%d erreurs à corriger sur cette page", "%d errors to fix on this page"},
		{"survey.errors.title.one", "%d erreur à corriger sur cette page", "%d error to fix on this page"},
		{"survey.errors.prefix", "Erreur", "Error"},
		{"survey.conflict.title", "Ces réponses ont été modifiées par quelqu'un d'autre", "Someone else changed these answers"},
		{"survey.conflict.text", "Quelqu'un d'autre, avec le même lien, a enregistré cette page à %s, après que vous l'avez ouverte. Votre saisie n'a pas été enregistrée, pour ne pas effacer la sienne, mais elle est conservée ci-dessous. Sous chaque réponse qui diffère figure ce que l'autre personne a enregistré : corrigez si besoin, puis enregistrez à nouveau pour garder votre version.", "Someone else with the same link saved this page at %s, after you opened it. Your entry was not saved, so as not to erase theirs, but it is kept below. Each answer that differs shows what the other person saved: correct it if needed, then save again to keep your version."},
		{"survey.conflict.theirs", "enregistré entre-temps par l'autre personne : « %s »", "saved meanwhile by the other person: “%s”"},
		{"survey.resumed", "Vous reprenez à l'étape %d, la première qui n'est pas encore complète.", "You resume at step %d, the first one not complete yet."},
		{"survey.steps.all", "Toutes les étapes", "All the steps"},
		{"survey.preview.banner", "Aperçu pour l'équipe de l'observatoire : rien de ce que vous saisissez n'est enregistré, aucune réponse n'est créée.", "Preview for the observatory's staff: nothing you enter is stored, no response is created."},
		{"survey.preview.who", "aperçu (aucune collectivité)", "preview (no collectivité)"},
		{"survey.preview.new_questions", "De nouvelles questions s'appliquent d'après ces réponses : complétez-les avant de continuer.", "New questions apply given these answers: complete them before going on."},
		{"survey.preview.invalid", "Cette page a des réponses à corriger.", "This page has answers to fix."},
		{"survey.preview.end", "Fin de l'aperçu : voici les réponses saisies. Rien n'a été enregistré ni transmis.", "End of the preview: here are the answers entered. Nothing was stored or submitted."},
		{"survey.preview.again", "Recommencer l'aperçu", "Start the preview again"},
		{"survey.preview.back", "Retour aux éditions du baromètre", "Back to the barometer editions"},
		{"survey.receipt.title", "Accusé de réception", "Receipt"},
		{"survey.receipt.answers", "Les réponses transmises", "The answers submitted"},
		{"survey.cantanswer", "Je ne peux pas répondre à cette question", "I cannot answer this question"},
		{"survey.answer_above", "Je réponds ci-dessus", "I answer above"},
		{"survey.dont_know", "Je ne sais pas", "Don't know"},
		{"survey.refused", "Je préfère ne pas répondre", "Prefer not to say"},
		{"survey.row", "Ligne %d", "Row %d"},
		{"survey.row.remove", "Supprimer la ligne %d", "Remove row %d"},
		{"survey.row.add", "Ajouter une ligne", "Add a row"},
		{"survey.continue", "Enregistrer et continuer", "Save and continue"},
		{"survey.draft", "Enregistrer et reprendre plus tard", "Save and finish later"},
		{"survey.previous", "Enregistrer et revenir à l'étape précédente", "Save and go back"},
		{"survey.saved", "Vos réponses ont été enregistrées à %s. Vous pouvez fermer cette page et revenir plus tard avec le même lien.", "Your answers were saved at %s. You can close this page and come back later with the same link."},
		{"survey.new_questions", "Vos réponses ont été enregistrées. De nouvelles questions s'appliquent d'après vos réponses : complétez-les avant de continuer.", "Your answers were saved. New questions apply given your answers: complete them before going on."},
		{"survey.review.title", "Relecture avant transmission", "Review before submitting"},
		{"survey.review.intro", "Vérifiez vos réponses. Une fois transmises, elles ne peuvent plus être modifiées.", "Check your answers. Once submitted, they can no longer be changed."},
		{"survey.review.edit", "Modifier « %s »", "Edit “%s”"},
		{"survey.review.empty", "Sans réponse", "No answer"},
		{"survey.review.print", "Version imprimable", "Printable version"},
		{"survey.review.print.hint", "Utilisez la fonction Imprimer de votre navigateur pour garder une copie.", "Use your browser's Print function to keep a copy."},
		{"survey.review.submit", "Transmettre mes réponses", "Submit my answers"},
		{"survey.review.back", "Retour à la relecture", "Back to the review"},
		{"survey.review.problem", "Les réponses n'ont pas été transmises", "The answers were not submitted"},
		{"survey.review.none", "Aucune ligne.", "No row."},
		{"survey.done.title", "Merci, vos réponses sont transmises", "Thank you, your answers are submitted"},
		{"survey.done.text", "Les réponses de %s ont été transmises le %s. Elles sont verrouillées.", "The answers of %s were submitted on %s. They are locked."},
		{"survey.done.publish", "Vous avez accepté leur publication au nom de la collectivité.", "You agreed to publish them under the authority's name."},
		{"survey.done.private", "Elles ne seront publiées que sous forme agrégée.", "They will only be published in aggregate."},
		{"survey.rates.title", "Participation : %s", "Participation: %s"},
		{"survey.rates.intro", "Taux de réponse par rapport à l'échantillon interrogé (base de sondage tirée du registre INSEE).", "Response rate against the sampled collectivités (frame drawn from the INSEE register)."},
		{"survey.rates.k", "Secret statistique : un groupe de moins de %d répondants est masqué (·), ainsi que les groupes qui permettraient de le recalculer à partir du total. Chaque pourcentage est suivi de son effectif n.", "Disclosure control: a group of fewer than %d respondents is hidden (·), as are groups that would let it be recomputed from the total. Every percentage shows its n."},
		{"survey.rates.empty", "La base de sondage de cette édition est encore vide.", "This edition's sampling frame is still empty."},
		{"survey.rates.total", "Réponses transmises : %s sur %s collectivités interrogées (%s %%).", "Answers submitted: %s out of %s collectivités asked (%s%%)."},
		{"survey.rates.total.one", "Réponses transmises : %s sur %s collectivité interrogée (%s %%).", "Answers submitted: %s out of %s collectivité asked (%s%%)."},
		{"survey.rates.total_hidden", "Réponses transmises : moins de %d, nombre masqué par le secret statistique, sur %s collectivités interrogées.", "Answers submitted: fewer than %d, a number hidden by disclosure control, out of %s collectivités asked."},
		{"survey.rates.total_hidden.one", "Réponses transmises : moins de %d, nombre masqué par le secret statistique, sur %s collectivité interrogée.", "Answers submitted: fewer than %d, a number hidden by disclosure control, out of %s collectivité asked."},
		{"survey.rates.by_kind", "Par type de collectivité", "By kind of collectivité"},
		{"survey.rates.by_population", "Par tranche de population", "By population bracket"},
		{"survey.rates.by_region", "Par région", "By région"},
		{"survey.rates.group", "Groupe", "Group"},
		{"survey.rates.frame", "Interrogées", "Asked"},
		{"survey.rates.rate", "Taux de réponse (réponses transmises / interrogées)", "Response rate (answers submitted / asked)"},
		{"survey.rates.hidden", "masqué (secret statistique)", "hidden (disclosure control)"},
	}
}

// hasWord reports whether a space-separated list (a select_multiple
// answer) holds w.
func hasWord(list, w string) bool {
	for _, s := range strings.Fields(list) {
		if s == w {
			return true
		}
	}
	return false
}
