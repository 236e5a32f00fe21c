package report

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/atelier-ch/atelier/internal/names"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
)

// Shared is what a commune's campaign gives its region, once the commune
// agreed to share: the campaign report's figures and its suggested pilot
// service, and the rows they were counted from, for the region to pool
// them with the other communes' under the anonymity rule (package
// region). It holds no name, address or token: people are opaque keys
// (Who), the free texts are scrubbed, and words that are part of a name of
// the commune's people are listed in NameWords so that the region leaves
// them out of its word counts.
type Shared struct {
	OrgID int64
	// Campaign is the commune's campaign report, computed as its HR sees
	// it; the region shows its commune-wide figures and the pilot's name,
	// never its lists of people (MandatoryMissing).
	Campaign *Campaign
	// People are the commune's people, trained or not.
	People []PersonRow
	// Attendance is one row per person marked present or absent in a
	// session the commune held.
	Attendance []ExpectedRow
	// Held is one row per session the commune held.
	Held []HeldRow
	// Ratings are the feedback of the commune's people, one per answer.
	Ratings []Rating
	// Survey is the commune's last état des lieux once it closed (its
	// answers, without anything that says who gave them), nil otherwise.
	Survey *SharedSurvey
	// NameWords are the parts of the names of the commune's people
	// (NameWords): never a word of a regional count.
	NameWords map[string]bool
}

// PersonRow is one person of the commune.
type PersonRow struct {
	Who     string
	Trained bool
}

// ExpectedRow is one person expected at a session the commune held.
type ExpectedRow struct {
	Who    string
	Absent bool
	Format string
}

// HeldRow is one session the commune held, and how full it was (0–1).
type HeldRow struct {
	Format string
	Fill   float64
}

// Rating is one answer to the feedback questionnaire, with the format of
// the session it is about; Who is the person, within the region's rows.
type Rating struct {
	Who                                                 string
	Format                                              string
	Overall, WillUse, ConfidenceBefore, ConfidenceAfter int
	// UseCases and Worries are the free answers, scrubbed (survey.Scrub).
	UseCases, Worries string
}

// SharedSurvey is a closed état des lieux's answers and population.
type SharedSurvey struct {
	Slug       string
	Responses  []store.SurveyResponse
	Population []store.PopulationRow
}

// details are the rows compute counted, kept for SharedOf.
type details struct {
	people     []personRow
	attendance []attendanceRow
	held       []heldRow
	ratings    []Rating
}

type personRow struct {
	who     string
	trained bool
}

type attendanceRow struct {
	who    string
	absent bool
	format string
}

type heldRow struct {
	format string
	fill   float64
}

// SharedStore is what SharedOf reads: every commune's data in a fixed
// number of queries.
type SharedStore interface {
	ReportDataOf(ctx context.Context, orgIDs []int64) (map[int64]*store.ReportData, error)
}

// SharedOf computes what communes orgIDs share with their region, in
// lang, for a caller that decided access already (package region). Who
// keys name people across communes (their ids are the database's), so
// that rows of several communes can be pooled.
func (s *Service) SharedOf(ctx context.Context, st SharedStore, orgIDs []int64, lang string) (map[int64]*Shared, error) {
	all, err := st.ReportDataOf(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Shared, len(all))
	now := s.now()
	for orgID, d := range all {
		det := &details{}
		available, err := s.formats.Available(ctx, orgID)
		if err != nil {
			return nil, err
		}
		sh := &Shared{OrgID: orgID, Campaign: s.compute(d, orgID, available, lang, det), NameWords: NameWords(d.People)}
		for _, p := range det.people {
			sh.People = append(sh.People, PersonRow{Who: p.who, Trained: p.trained})
		}
		for _, a := range det.attendance {
			sh.Attendance = append(sh.Attendance, ExpectedRow{Who: a.who, Absent: a.absent, Format: a.format})
		}
		for _, h := range det.held {
			sh.Held = append(sh.Held, HeldRow{Format: h.format, Fill: h.fill})
		}
		for _, r := range det.ratings {
			r.UseCases, r.Worries = survey.Scrub(r.UseCases), survey.Scrub(r.Worries)
			sh.Ratings = append(sh.Ratings, r)
		}
		if d.Survey != nil && !now.Before(d.Survey.ClosesAt) {
			sh.Survey = &SharedSurvey{Slug: d.Survey.Slug, Responses: d.SurveyResponses, Population: d.SurveyPopulation}
		}
		out[orgID] = sh
	}
	return out, nil
}

// NameWords lists the parts of people's names (three letters or more, in
// lower case and folded) that a count of words or a published text could
// carry out of the commune.
func NameWords(people []store.Person) map[string]bool {
	out := map[string]bool{}
	for _, p := range people {
		for _, n := range []string{p.Name, p.GivenName, p.FamilyName} {
			for _, w := range strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
				for _, part := range append([]string{w}, strings.Split(w, "-")...) {
					if len([]rune(part)) >= 3 {
						out[part] = true
						out[names.Fold(part)] = true
					}
				}
			}
		}
	}
	return out
}

// TopWordsWithout is TopWords leaving out the words in skip.
func TopWordsWithout(texts []string, n int, skip map[string]bool) []Word {
	words := TopWords(texts, n+len(skip))
	words = slices.DeleteFunc(words, func(w Word) bool { return skip[w.Word] || skip[names.Fold(w.Word)] })
	if len(words) > n {
		words = words[:n]
	}
	return words
}
