package inquiry

import (
	"context"
	"log/slog"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
)

// Tick does what the survey clock says is due: it queues the reminders of
// the surveys closing in two days, to the people who have not answered,
// and seals the surveys that have closed. Several instances may tick at
// once: each reminder and each sealing is claimed in the database by one
// of them (store.ClaimReminder, store.SealSurvey), in the transaction that
// does the work, so that nothing happens twice and a failure leaves it to
// the next tick.
func (s *Service) Tick(ctx context.Context) (reminded, sealed int, err error) {
	now := s.now()
	due, err := s.store.DueReminders(ctx, now)
	if err != nil {
		return 0, 0, err
	}
	for i := range due {
		sv := &due[i]
		err := s.store.Tx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimReminder(ctx, sv.ID, now)
			if err != nil || !claimed {
				return err
			}
			invitees, err := tx.Unanswered(ctx, sv.ID)
			if err != nil {
				return err
			}
			org, err := tx.Org(ctx, sv.OrgID)
			if err != nil {
				return err
			}
			if err := s.notifier.QueueSurveyMails(ctx, tx, org, sv, invitees, true); err != nil {
				return err
			}
			reminded++
			return nil
		})
		if err != nil {
			return reminded, sealed, err
		}
	}
	closed, err := s.store.DueSeals(ctx, now)
	if err != nil {
		return reminded, sealed, err
	}
	for i := range closed {
		err := s.store.Tx(ctx, func(tx *store.Store) error {
			done, err := tx.SealSurvey(ctx, closed[i].ID, now)
			if done {
				sealed++
			}
			return err
		})
		if err != nil {
			return reminded, sealed, err
		}
	}
	return reminded, sealed, nil
}

// Run ticks every interval until ctx ends; the server runs it in every
// instance.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	for {
		reminded, sealed, err := s.Tick(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.ErrorContext(ctx, "survey clock", "err", err)
		case reminded > 0 || sealed > 0:
			log.InfoContext(ctx, "survey clock", "reminders", reminded, "sealed", sealed)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
