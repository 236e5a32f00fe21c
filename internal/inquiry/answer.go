package inquiry

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
)

// Form is what a personal survey link opens: the questionnaire in the
// person's language and, while the survey is open, their own answers.
type Form struct {
	Survey   *catalog.Survey
	Commune  string
	Lang     string
	ClosesAt time.Time
	// Open is true until the survey closes; afterwards the link shows
	// that it closed, and no answers.
	Open bool
	// Answered is true when answers are stored under this link; Answers
	// are they (or, after a refusal, what was sent).
	Answered bool
	Answers  survey.Answers
}

// open finds what a personal link opens. An unknown token is
// store.ErrNotFound, as anything else.
func (s *Service) open(ctx context.Context, token string) (*store.SurveyInvitation, *store.Survey, *catalog.Survey, *store.Org, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, nil, nil, nil, store.ErrNotFound
	}
	inv, err := s.store.InvitationByToken(ctx, token)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	sv, err := s.store.Survey(ctx, inv.SurveyID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cs, ok := s.catalog.Survey(sv.Slug)
	if !ok {
		return nil, nil, nil, nil, store.ErrNotFound
	}
	org, err := s.store.Org(ctx, sv.OrgID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return inv, sv, cs, org, nil
}

// closed reports whether a survey takes no more answers.
func (s *Service) closed(sv *store.Survey) bool {
	return sv.SealedAt != nil || !s.now().Before(sv.ClosesAt)
}

// Form opens the form of a personal link.
func (s *Service) Form(ctx context.Context, token string) (*Form, error) {
	inv, sv, cs, org, err := s.open(ctx, token)
	if err != nil {
		return nil, err
	}
	f := &Form{Survey: cs, Commune: org.Name, Lang: i18n.Normalize(inv.Language), ClosesAt: sv.ClosesAt, Open: !s.closed(sv)}
	if !f.Open {
		return f, nil
	}
	r, err := s.store.ResponseByKey(ctx, sv.ID, respondentKey(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return f, nil
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal([]byte(r.Answers), &f.Answers); err != nil {
		return nil, err
	}
	f.Answered = true
	return f, nil
}

// Answer stores the answers given through a personal link: the first
// answer, or a new one that replaces it, until the survey closes (409
// afterwards). Answers are checked against the questionnaire (422 naming
// the questions: a key, or key_other for an « autre » text). It returns
// the form as stored; on a refusal, the form as sent, to show it again.
func (s *Service) Answer(ctx context.Context, token string, in survey.Answers) (*Form, error) {
	return s.answer(ctx, token, func(*catalog.Survey) survey.Answers { return in })
}

// AnswerForm is Answer for a browser's form post (survey.FromForm).
func (s *Service) AnswerForm(ctx context.Context, token string, form url.Values) (*Form, error) {
	return s.answer(ctx, token, func(cs *catalog.Survey) survey.Answers { return survey.FromForm(cs, form) })
}

func (s *Service) answer(ctx context.Context, token string, read func(*catalog.Survey) survey.Answers) (*Form, error) {
	inv, sv, cs, org, err := s.open(ctx, token)
	if err != nil {
		return nil, err
	}
	f := &Form{Survey: cs, Commune: org.Name, Lang: i18n.Normalize(inv.Language), ClosesAt: sv.ClosesAt}
	if s.closed(sv) {
		return f, apperr.Conflict("strategy.err.survey_closed")
	}
	f.Open = true
	in := read(cs)
	answers, err := survey.Validate(cs, in)
	if err != nil {
		f.Answers = in
		return f, err
	}
	data, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	key := respondentKey(token)
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		// The survey's row is locked so that the sealing cannot slip in
		// between: an answer stored after it would keep its key.
		locked, err := tx.LockSurvey(ctx, sv.ID)
		if err != nil {
			return err
		}
		if s.closed(locked) {
			return apperr.Conflict("strategy.err.survey_closed")
		}
		r, err := tx.ResponseByKey(ctx, sv.ID, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			r = &store.SurveyResponse{SurveyID: sv.ID, OrgID: sv.OrgID, DepartmentID: inv.DepartmentID, GroupKey: inv.GroupKey, RespondentKey: &key}
		case err != nil:
			return err
		}
		r.Answers = string(data)
		if err := tx.SaveResponse(ctx, r); err != nil {
			return err
		}
		return tx.MarkAnswered(ctx, inv.ID)
	})
	if apperr.Is(err, apperr.CodeConflict) {
		f.Open = false
		return f, err
	}
	if err != nil {
		return nil, err
	}
	f.Answered, f.Answers = true, answers
	return f, nil
}
