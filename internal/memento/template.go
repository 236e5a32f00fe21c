package memento

import "github.com/atelier-ch/atelier/internal/i18n"

// Template returns a starting memento in lang (fr or de, French otherwise),
// written from the guide's recommendations and the sources it cites
// (§5: the Confederation's fact sheet and aide-mémoire on generative AI and
// LLMs, the cantons' recommendations). The commune adapts it: its tools and
// licences, its contact, and what it encourages, so that the memento does
// not only forbid (an all-forbidding memento pushes people to experiment in
// hiding, the guide warns).
//
// It is data, like the catalogue, but the commune edits its copy in the
// product, so it lives beside the code that validates it; each entry holds
// both languages side by side so that one cannot be changed without the
// other in sight.
func Template(lang string) Memento {
	de := i18n.Normalize(lang) == "de"
	pick := func(fr, d string) string {
		if de {
			return d
		}
		return fr
	}
	m := Memento{Contact: Contact{Name: pick(contactFR, contactDE)}}
	for _, t := range templateTools {
		m.Tools = append(m.Tools, Tool{Name: pick(t.name[0], t.name[1]), Licence: pick(t.licence[0], t.licence[1]), Use: pick(t.use[0], t.use[1])})
	}
	for _, d := range templateData {
		m.ForbiddenData = append(m.ForbiddenData, ForbiddenData{Class: pick(d.class[0], d.class[1]), Examples: pick(d.examples[0], d.examples[1])})
	}
	for _, r := range templateRules {
		m.Rules = append(m.Rules, pick(r[0], r[1]))
	}
	return m
}

// frde is a text in French and German, in that order.
type frde = [2]string

const (
	contactFR = "Personne référente pour l’informatique et le numérique"
	contactDE = "Ansprechperson für Informatik und Digitales"
)

var templateTools = []struct {
	name, licence, use frde
}{
	{
		name: frde{"Microsoft Copilot", "Microsoft Copilot"},
		licence: frde{
			"Licence Microsoft 365 de la commune, connexion avec le compte professionnel (protection des données de l’entreprise) ; jamais avec un compte privé",
			"Microsoft-365-Lizenz der Gemeinde, Anmeldung mit dem beruflichen Konto (Datenschutz für Unternehmen); nie mit einem privaten Konto",
		},
		use: frde{
			"Rédiger, reformuler, résumer et structurer des textes de travail, préparer un plan ou une présentation, à partir de contenus qui ne contiennent aucune des données interdites ci-dessous.",
			"Arbeitstexte verfassen, umformulieren, zusammenfassen und gliedern, eine Gliederung oder Präsentation vorbereiten, aus Inhalten, die keine der unten verbotenen Daten enthalten.",
		},
	},
	{
		name: frde{"DeepL Pro", "DeepL Pro"},
		licence: frde{
			"Abonnement DeepL Pro de la commune : les textes traduits ne sont pas conservés ni utilisés pour entraîner le service",
			"DeepL-Pro-Abonnement der Gemeinde: Übersetzte Texte werden weder gespeichert noch zum Training des Dienstes verwendet",
		},
		use: frde{
			"Traduire entre le français et l’allemand ; tout texte publié ou envoyé à un habitant est relu par une personne qui maîtrise la langue.",
			"Zwischen Deutsch und Französisch übersetzen; jeder veröffentlichte oder an Einwohnerinnen und Einwohner gesandte Text wird von einer sprachkundigen Person gegengelesen.",
		},
	},
	{
		name: frde{"Assistants d’IA intégrés aux logiciels métier", "KI-Assistenten in Fachanwendungen"},
		licence: frde{
			"Selon le contrat du logiciel, seulement après validation par le service informatique",
			"Gemäss Vertrag der Software, erst nach Freigabe durch die Informatik",
		},
		use: frde{
			"Les fonctions validées, pour les tâches du service, dans le logiciel lui-même.",
			"Die freigegebenen Funktionen, für die Aufgaben der Abteilung, in der Software selbst.",
		},
	},
}

var templateData = []struct{ class, examples frde }{
	{
		frde{"Données personnelles des habitants", "Personendaten der Einwohnerinnen und Einwohner"},
		frde{
			"Noms, adresses, dates de naissance, numéros AVS, photos, courriers et dossiers nominatifs, listes d’inscription.",
			"Namen, Adressen, Geburtsdaten, AHV-Nummern, Fotos, Briefe und Dossiers mit Namen, Anmeldelisten.",
		},
	},
	{
		frde{"Données de santé et d’aide sociale", "Gesundheits- und Sozialhilfedaten"},
		frde{
			"Dossiers d’aide sociale, certificats médicaux, mesures de protection de l’enfant et de l’adulte, situations de handicap.",
			"Sozialhilfedossiers, Arztzeugnisse, Kindes- und Erwachsenenschutzmassnahmen, Behinderungen.",
		},
	},
	{
		frde{"Données fiscales et financières des personnes", "Steuer- und Finanzdaten von Personen"},
		frde{
			"Déclarations d’impôt, taxations, revenus et fortune, poursuites, arriérés de paiement.",
			"Steuererklärungen, Veranlagungen, Einkommen und Vermögen, Betreibungen, Zahlungsrückstände.",
		},
	},
	{
		frde{"Informations soumises au secret de fonction", "Informationen unter dem Amtsgeheimnis"},
		frde{
			"Procédures en cours, plaintes, préavis internes, négociations, marchés publics en cours d’attribution.",
			"Laufende Verfahren, Beschwerden, interne Stellungnahmen, Verhandlungen, laufende öffentliche Beschaffungen.",
		},
	},
	{
		frde{"Décisions du conseil non publiées", "Nicht veröffentlichte Beschlüsse des Gemeinderats"},
		frde{
			"Procès-verbaux des séances, projets de décision, de préavis ou de communiqué avant leur publication.",
			"Sitzungsprotokolle, Entwürfe von Beschlüssen, Anträgen oder Mitteilungen vor ihrer Veröffentlichung.",
		},
	},
	{
		frde{"Données du personnel", "Personaldaten"},
		frde{
			"Dossiers du personnel, salaires, évaluations, candidatures, absences.",
			"Personaldossiers, Löhne, Beurteilungen, Bewerbungen, Absenzen.",
		},
	},
	{
		frde{"Données de sécurité", "Sicherheitsdaten"},
		frde{
			"Mots de passe et accès, configurations informatiques, plans de bâtiments et d’infrastructures sensibles.",
			"Passwörter und Zugänge, Informatikkonfigurationen, Pläne von Gebäuden und sensiblen Infrastrukturen.",
		},
	},
}

var templateRules = []frde{
	{
		"Vérifier chaque réponse : l’IA peut se tromper et inventer des faits, des chiffres ou des sources. La personne qui utilise le résultat en reste responsable.",
		"Jede Antwort prüfen: Die KI kann sich irren und Fakten, Zahlen oder Quellen erfinden. Wer das Ergebnis verwendet, bleibt dafür verantwortlich.",
	},
	{
		"Dire quand l’IA a été utilisée : pour un texte publié, une réponse à un habitant ou un rapport, le mentionner.",
		"Angeben, wenn KI verwendet wurde: bei einem veröffentlichten Text, einer Antwort an Einwohnerinnen und Einwohner oder einem Bericht.",
	},
	{
		"Garder une décision humaine : l’IA prépare, une personne décide, en particulier pour tout ce qui touche une personne (candidature, prestation, sanction).",
		"Der Mensch entscheidet: Die KI bereitet vor, eine Person entscheidet, besonders bei allem, was eine Person betrifft (Bewerbung, Leistung, Sanktion).",
	},
	{
		"Respecter le droit d’auteur : ne soumettre ni textes ni images de tiers sans en avoir le droit, vérifier les conditions d’utilisation des images générées et les signaler comme telles.",
		"Das Urheberrecht achten: keine Texte oder Bilder Dritter ohne Berechtigung eingeben, die Nutzungsbedingungen generierter Bilder prüfen und sie als solche kennzeichnen.",
	},
	{
		"N’utiliser que les outils de ce memento, avec le compte professionnel, jamais un compte ou un appareil privé pour le travail de la commune. Un nouvel outil est d’abord validé par le service informatique.",
		"Nur die Werkzeuge dieses Merkblatts verwenden, mit dem beruflichen Konto, nie ein privates Konto oder Gerät für die Arbeit der Gemeinde. Ein neues Werkzeug gibt zuerst die Informatik frei.",
	},
	{
		"Signaler un incident sans attendre à la personne de contact : une donnée collée par erreur, un résultat choquant ou discriminatoire, un doute.",
		"Einen Vorfall sofort der Kontaktperson melden: versehentlich eingefügte Daten, ein stossendes oder diskriminierendes Ergebnis, ein Zweifel.",
	},
	{
		"Partager ce qui marche : les bons usages et les bonnes formulations se partagent entre collègues, plutôt que de s’essayer en cachette.",
		"Teilen, was funktioniert: Gute Anwendungen und Formulierungen werden unter Kolleginnen und Kollegen geteilt, statt im Verborgenen ausprobiert.",
	},
}
