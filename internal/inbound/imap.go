package inbound

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Limits of one poll.
const (
	// pollTimeout bounds a whole poll, as a deadline on the connection:
	// go-imap's client has no timeouts of its own, and a server that stops
	// answering must not stall the poller forever.
	pollTimeout = 5 * time.Minute
	dialTimeout = 30 * time.Second
	// maxPerPoll bounds the messages handled in one poll; the rest wait for
	// the next one, oldest first.
	maxPerPoll = 100
)

// processedKeyword marks a message whose handling is done but which is not
// yet in the processed folder (the move failed or the connection broke):
// the next poll moves it without handing it over again. Servers that do
// not allow keywords (no \* in PERMANENTFLAGS) go without; the handler
// then sees such a message twice, which idempotence absorbs.
const processedKeyword imap.Flag = "$AtelierProcessed"

// IMAPPoller polls a mailbox for replies, hands each message to the
// handler, then moves it to the processed folder. The mailbox should be
// dedicated to replies: every message in it is handed over.
type IMAPPoller struct {
	settings  IMAPSettings
	processed string
	h         Handler
	log       *slog.Logger
	every     time.Duration
	// tlsConfig overrides the TLS settings (tests trust their own CA).
	tlsConfig *tls.Config
}

// NewIMAPPoller returns a poller for rawURL (see ParseIMAPURL) that moves
// handled messages to processedFolder (created if missing) and polls every
// interval once Run is called.
func NewIMAPPoller(rawURL, processedFolder string, h Handler, log *slog.Logger, every time.Duration) (*IMAPPoller, error) {
	s, err := ParseIMAPURL(rawURL)
	if err != nil {
		return nil, err
	}
	return newIMAPPoller(s, processedFolder, h, log, every)
}

// NewIMAPPollerFromSettings is NewIMAPPoller for an already parsed URL
// (Config.IMAP).
func NewIMAPPollerFromSettings(s IMAPSettings, processedFolder string, h Handler, log *slog.Logger, every time.Duration) (*IMAPPoller, error) {
	return newIMAPPoller(s, processedFolder, h, log, every)
}

func newIMAPPoller(s IMAPSettings, processed string, h Handler, log *slog.Logger, every time.Duration) (*IMAPPoller, error) {
	processed = strings.TrimSpace(processed)
	if err := checkFolders(s.Mailbox, processed); err != nil {
		return nil, fmt.Errorf("IMAP processed folder: %w", err)
	}
	if h == nil {
		return nil, errors.New("IMAP poller: nil handler")
	}
	if every <= 0 {
		every = DefaultIMAPInterval
	}
	if log == nil {
		log = slog.Default()
	}
	return &IMAPPoller{settings: s, processed: processed, h: h, every: every,
		log: log.With("component", "inbound-imap", "mailbox", s.String())}, nil
}

// Run polls at once, then every interval, until ctx ends. A failed poll is
// logged and retried at the next tick; Run returns ctx's error.
func (p *IMAPPoller) Run(ctx context.Context) error {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		if err := p.Poll(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("poll failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Poll connects once, handles the messages waiting in the mailbox, moves
// them, and logs out.
func (p *IMAPPoller) Poll(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pollTimeout)
	defer cancel()
	c, err := p.connect(ctx)
	if err != nil {
		return err
	}
	// Closing the connection is the only way to interrupt the client.
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer func() {
		stop()
		_ = c.Logout().Wait()
		_ = c.Close()
	}()
	if err := c.Login(p.settings.Username, p.settings.password).Wait(); err != nil {
		// The server's text, never the password.
		return fmt.Errorf("login as %q: %w", p.settings.Username, err)
	}
	if err := p.ensureFolder(c); err != nil {
		return err
	}
	sel, err := c.Select(p.settings.Mailbox, nil).Wait()
	if err != nil {
		return fmt.Errorf("select %q: %w", p.settings.Mailbox, err)
	}
	keywords := hasFlag(sel.PermanentFlags, imap.FlagWildcard) || hasFlag(sel.PermanentFlags, processedKeyword)
	if sel.NumMessages == 0 {
		return nil
	}
	// Every message not deleted, seen or not: someone may have opened a
	// reply in webmail, and it still has to be read. Messages are fetched
	// with BODY.PEEK so that a temporary failure leaves them as they were.
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	uids := found.AllUIDs()
	slices.Sort(uids)
	if len(uids) > maxPerPoll {
		uids = uids[:maxPerPoll]
	}
	for _, uid := range uids {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := p.handle(ctx, c, uid, keywords); err != nil {
			return err
		}
	}
	return nil
}

// handle deals with one message. An error ends the poll (the connection is
// in doubt); a handler's temporary failure does not.
func (p *IMAPPoller) handle(ctx context.Context, c *imapclient.Client, uid imap.UID, keywords bool) error {
	set := imap.UIDSetNum(uid)
	meta, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, RFC822Size: true}).Collect()
	if err != nil {
		return fmt.Errorf("fetch flags of %d: %w", uid, err)
	}
	if len(meta) != 1 {
		return nil // expunged meanwhile
	}
	log := p.log.With("uid", uint32(uid))
	switch {
	case hasFlag(meta[0].Flags, processedKeyword):
		log.Info("moving a message handled by an earlier poll")
		return p.move(c, uid)
	case meta[0].RFC822Size > MaxMessageBytes:
		// Never fetched: a message this large is not a reply. Set aside,
		// or it would be looked at again at every poll.
		log.Warn("message too large, set aside unread", "bytes", meta[0].RFC822Size)
		return p.done(c, uid, keywords)
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return fmt.Errorf("fetch %d: %w", uid, err)
	}
	if len(msgs) != 1 {
		return nil
	}
	raw := msgs[0].FindBodySection(section)
	hctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	err = p.h.HandleMail(hctx, returnPath(raw), raw)
	cancel()
	switch {
	case err == nil:
		log.Info("message handled", "bytes", len(raw))
	case IsPermanent(err):
		log.Info("message refused, set aside", "bytes", len(raw), "err", err)
	default:
		log.Warn("message left for the next poll", "bytes", len(raw), "err", err)
		return nil
	}
	return p.done(c, uid, keywords)
}

// done records that a message needs no more handling, then moves it.
func (p *IMAPPoller) done(c *imapclient.Client, uid imap.UID, keywords bool) error {
	if keywords {
		store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{processedKeyword}}
		if err := c.Store(imap.UIDSetNum(uid), store, nil).Close(); err != nil {
			return fmt.Errorf("mark %d processed: %w", uid, err)
		}
	}
	return p.move(c, uid)
}

// move puts a message in the processed folder: MOVE where the server has
// it (RFC 6851, IMAP4rev2), else COPY, then \Deleted and EXPUNGE.
//
// go-imap's Client.Move does that fallback too, but sends the three
// commands pipelined without waiting for COPY's answer: a failed COPY
// would still delete the message. Here each step waits for the one before.
// Without UIDPLUS, plain EXPUNGE also removes other messages someone
// flagged \Deleted in this mailbox, which is what a mail client would do.
func (p *IMAPPoller) move(c *imapclient.Client, uid imap.UID) error {
	set := imap.UIDSetNum(uid)
	if c.Caps().Has(imap.CapMove) {
		if _, err := c.Move(set, p.processed).Wait(); err != nil {
			return fmt.Errorf("move %d to %q: %w", uid, p.processed, err)
		}
		return nil
	}
	if _, err := c.Copy(set, p.processed).Wait(); err != nil {
		return fmt.Errorf("copy %d to %q: %w", uid, p.processed, err)
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := c.Store(set, store, nil).Close(); err != nil {
		return fmt.Errorf("flag %d deleted after copy: %w", uid, err)
	}
	var err error
	if c.Caps().Has(imap.CapUIDPlus) {
		err = c.UIDExpunge(set).Close()
	} else {
		err = c.Expunge().Close()
	}
	if err != nil {
		return fmt.Errorf("expunge %d after copy: %w", uid, err)
	}
	return nil
}

// ensureFolder creates the processed folder when it does not exist.
func (p *IMAPPoller) ensureFolder(c *imapclient.Client) error {
	list, err := c.List("", p.processed, nil).Collect()
	if err != nil {
		return fmt.Errorf("list %q: %w", p.processed, err)
	}
	if len(list) > 0 {
		return nil
	}
	if err := c.Create(p.processed, nil).Wait(); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists {
			return nil
		}
		return fmt.Errorf("create %q: %w", p.processed, err)
	}
	p.log.Info("created the processed folder", "folder", p.processed)
	return nil
}

// connect dials the server as the URL says. The connection carries a
// deadline for the whole poll.
func (p *IMAPPoller) connect(ctx context.Context) (*imapclient.Client, error) {
	d := &net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", p.settings.Addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", p.settings.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cfg := p.tlsConfig
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = p.settings.Host
	}
	opts := &imapclient.Options{TLSConfig: cfg}
	switch p.settings.Security {
	case ImplicitTLS:
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("TLS with %s: %w", p.settings.Addr, err)
		}
		return imapclient.New(tc, opts), nil
	case StartTLS:
		// NewStartTLS fails when the server does not offer STARTTLS, so
		// the password is never sent in clear.
		c, err := imapclient.NewStartTLS(conn, opts)
		if err != nil {
			return nil, fmt.Errorf("STARTTLS with %s: %w", p.settings.Addr, err)
		}
		return c, nil
	default:
		return imapclient.New(conn, opts), nil
	}
}

// hasFlag tells whether flags holds flag. Flags are case-insensitive
// (RFC 9051 §2.3.2); servers may return them in another case.
func hasFlag(flags []imap.Flag, flag imap.Flag) bool {
	return slices.ContainsFunc(flags, func(f imap.Flag) bool { return strings.EqualFold(string(f), string(flag)) })
}

// returnPath is the envelope sender a delivering server records in the
// Return-Path header, "" when there is none.
func returnPath(raw []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, err := r.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	return strings.Trim(strings.TrimSpace(h.Get("Return-Path")), "<>")
}
