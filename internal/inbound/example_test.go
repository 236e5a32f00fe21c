package inbound_test

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/atelier-ch/atelier/internal/inbound"
	"github.com/atelier-ch/atelier/internal/itip"
)

// applyReply stands for the domain function that records a reply.
func applyReply(ctx context.Context, rep *itip.Reply) error { return nil }

// A handler reads the reply with itip.ParseReply. A message that is not a
// reply will never become one: Permanent, so that SMTP refuses it and IMAP
// sets it aside. A failure of the domain (the database is down) is
// returned as is: the message comes again later.
func Example() {
	h := inbound.HandlerFunc(func(ctx context.Context, from string, raw []byte) error {
		rep, err := itip.ParseReply(raw)
		if err != nil {
			return inbound.Permanent(err)
		}
		return applyReply(ctx, rep)
	})
	log := slog.Default()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	cfg, err := inbound.ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("configuration", "err", err)
		return
	}
	if cfg.SMTPAddr != "" {
		srv, err := inbound.NewSMTPServer(cfg.SMTPAddr, cfg.ReplyAddress, h, log)
		if err == nil {
			err = srv.Start()
		}
		if err != nil {
			log.Error("inbound SMTP", "err", err)
			return
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	if cfg.IMAP != nil {
		p, err := inbound.NewIMAPPollerFromSettings(*cfg.IMAP, cfg.ProcessedFolder, h, log, cfg.IMAPInterval)
		if err != nil {
			log.Error("inbound IMAP", "err", err)
			return
		}
		go func() { _ = p.Run(ctx) }()
	}
	<-ctx.Done()
}
