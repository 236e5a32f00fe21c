package inbound

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

const (
	imapUser = "replies@atelier.example"
	imapPass = "pw s3cr3t:/@"
	done     = "Atelier/Processed"
)

// Capability sets of the servers the poller must work with.
var (
	capsRev2    = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	capsUIDPlus = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	capsRev1    = imap.CapSet{imap.CapIMAP4rev1: {}}
)

// testIMAP is an in-memory IMAP server on 127.0.0.1.
type testIMAP struct {
	t    *testing.T
	user *imapmemserver.User
	addr string
	cert *x509.Certificate
}

type serverMode int

const (
	plainServer serverMode = iota
	startTLSServer
	tlsServer
)

func newTestIMAP(t *testing.T, caps imap.CapSet, mode serverMode) *testIMAP {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(imapUser, imapPass)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	ti := &testIMAP{t: t, user: user}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: mode == plainServer,
		Logger:       discardLogger{},
	}
	var cfg *tls.Config
	if mode != plainServer {
		cfg, ti.cert = selfSigned(t)
	}
	if mode == startTLSServer {
		opts.TLSConfig = cfg
	}
	srv := imapserver.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode == tlsServer {
		ln = tls.NewListener(ln, cfg)
	}
	ti.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ti
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

func (ti *testIMAP) url(scheme, query string) string {
	u := url.URL{Scheme: scheme, User: url.UserPassword(imapUser, imapPass), Host: ti.addr, Path: "/INBOX", RawQuery: query}
	return u.String()
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

func (ti *testIMAP) add(msg []byte, flags ...imap.Flag) {
	ti.t.Helper()
	if _, err := ti.user.Append("INBOX", literal{bytes.NewReader(msg)}, &imap.AppendOptions{Flags: flags}); err != nil {
		ti.t.Fatal(err)
	}
}

// contents returns the messages of a mailbox, in order, with their flags;
// nil when the mailbox does not exist.
func (ti *testIMAP) contents(mailbox string) (msgs [][]byte, flags [][]imap.Flag) {
	ti.t.Helper()
	c, err := imapclient.DialInsecure(ti.addr, nil)
	if err != nil {
		ti.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapUser, imapPass).Wait(); err != nil {
		ti.t.Fatal(err)
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, nil
	}
	if sel.NumMessages == 0 {
		return [][]byte{}, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(imap.SeqSetNum(seqRange(sel.NumMessages)...), &imap.FetchOptions{Flags: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		ti.t.Fatal(err)
	}
	for _, b := range bufs {
		msgs = append(msgs, b.FindBodySection(section))
		flags = append(flags, b.Flags)
	}
	return msgs, flags
}

func seqRange(n uint32) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(i) + 1
	}
	return s
}

// poller returns a poller with a fresh state: each call models a restart.
func (ti *testIMAP) poller(h Handler, rawURL string) *IMAPPoller {
	ti.t.Helper()
	p, err := NewIMAPPoller(rawURL, done, h, quietLog(), time.Hour)
	if err != nil {
		ti.t.Fatal(err)
	}
	if ti.cert != nil {
		pool := x509.NewCertPool()
		pool.AddCert(ti.cert)
		p.tlsConfig = &tls.Config{RootCAs: pool}
	}
	return p
}

func message(n int) []byte {
	return fmt.Appendf(nil, "From: p%d@ecublens.example\r\nReturn-Path: <bounce%d@ecublens.example>\r\nMessage-ID: <%d@x>\r\nSubject: Accepted\r\n\r\nBEGIN:VCALENDAR\r\nX-N:%d\r\nEND:VCALENDAR\r\n", n, n, n, n)
}

// TestIMAPPoller: on servers with MOVE, with UIDPLUS only, and with
// neither, every message is handed over once, byte for byte, ends up in
// the processed folder (created on the way), none is lost, and a
// restarted poller hands nothing over again.
func TestIMAPPoller(t *testing.T) {
	cases := map[string]imap.CapSet{"IMAP4rev2 (MOVE)": capsRev2, "IMAP4rev1 + UIDPLUS": capsUIDPlus, "IMAP4rev1 only": capsRev1}
	for name, caps := range cases {
		t.Run(name, func(t *testing.T) {
			ti := newTestIMAP(t, caps, plainServer)
			var sent [][]byte
			for i := range 3 {
				sent = append(sent, message(i))
				ti.add(sent[i])
			}
			h := &recorder{}
			if err := ti.poller(h, ti.url("imap", "tls=none")).Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(h.raws, sent, bytes.Equal) {
				t.Fatalf("handler got %d messages, not the 3 sent", len(h.raws))
			}
			if h.froms[1] != "bounce1@ecublens.example" || !h.ctxOK {
				t.Errorf("from %q, deadline %v", h.froms[1], h.ctxOK)
			}
			inbox, _ := ti.contents("INBOX")
			moved, _ := ti.contents(done)
			if len(inbox) != 0 || !slices.EqualFunc(moved, sent, bytes.Equal) {
				t.Fatalf("INBOX %d, processed %d", len(inbox), len(moved))
			}
			if err := ti.poller(h, ti.url("imap", "tls=none")).Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
			if h.count() != 3 {
				t.Errorf("after a restart, handed over %d times", h.count())
			}
		})
	}
}

// failOnce fails temporarily the first time it sees a message containing
// mark, and refuses permanently messages containing "X-N:9".
type failOnce struct {
	recorder
	mark   string
	failed sync.Once
}

func (f *failOnce) HandleMail(ctx context.Context, from string, raw []byte) error {
	_ = f.recorder.HandleMail(ctx, from, raw)
	if bytes.Contains(raw, []byte("X-N:9")) {
		return Permanent(errors.New("not a reply"))
	}
	var err error
	if bytes.Contains(raw, []byte(f.mark)) {
		f.failed.Do(func() { err = errors.New("database busy") })
	}
	return err
}

// TestIMAPHandlerErrors: a temporary failure leaves the message in place,
// unread, for the next poll; a permanent one sets it aside.
func TestIMAPHandlerErrors(t *testing.T) {
	for name, caps := range map[string]imap.CapSet{"MOVE": capsRev2, "no MOVE": capsRev1} {
		t.Run(name, func(t *testing.T) {
			ti := newTestIMAP(t, caps, plainServer)
			ti.add(message(1))
			ti.add(message(2))
			ti.add(message(9))
			h := &failOnce{mark: "X-N:2"}
			p := ti.poller(h, ti.url("imap", "tls=none"))
			if err := p.Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
			inbox, flags := ti.contents("INBOX")
			if len(inbox) != 1 || !bytes.Equal(inbox[0], message(2)) {
				t.Fatalf("INBOX holds %d messages", len(inbox))
			}
			if hasFlag(flags[0], imap.FlagSeen) || hasFlag(flags[0], processedKeyword) {
				t.Errorf("message left for later has flags %v", flags[0])
			}
			if moved, _ := ti.contents(done); len(moved) != 2 {
				t.Fatalf("processed holds %d", len(moved))
			}
			if err := p.Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
			inbox, _ = ti.contents("INBOX")
			moved, _ := ti.contents(done)
			if len(inbox) != 0 || len(moved) != 3 || h.count() != 4 {
				t.Errorf("INBOX %d, processed %d, handled %d times", len(inbox), len(moved), h.count())
			}
		})
	}
}

// TestIMAPSetAside: a message marked processed by an earlier poll that
// could not move it is moved without being handed over again, and a
// message over the size limit is set aside unread.
func TestIMAPSetAside(t *testing.T) {
	ti := newTestIMAP(t, capsRev2, plainServer)
	ti.add(message(1), processedKeyword)
	big := append(message(2), bytes.Repeat([]byte("x"), MaxMessageBytes)...)
	ti.add(big)
	h := &recorder{}
	if err := ti.poller(h, ti.url("imap", "tls=none")).Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h.count() != 0 {
		t.Errorf("handed over %d", h.count())
	}
	moved, _ := ti.contents(done)
	if len(moved) != 2 || !bytes.Equal(moved[1], big) {
		t.Errorf("processed holds %d", len(moved))
	}
}

// TestIMAPExistingFolder: a processed folder that exists is used as is.
func TestIMAPExistingFolder(t *testing.T) {
	ti := newTestIMAP(t, capsRev2, plainServer)
	if err := ti.user.Create(done, nil); err != nil {
		t.Fatal(err)
	}
	ti.add(message(1))
	if err := ti.poller(&recorder{}, ti.url("imap", "tls=none")).Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if moved, _ := ti.contents(done); len(moved) != 1 {
		t.Errorf("processed holds %d", len(moved))
	}
}

// TestIMAPSecurity: STARTTLS and implicit TLS work with a trusted
// certificate; a server without STARTTLS or with a wrong password fails
// the poll, and no error repeats the password.
func TestIMAPSecurity(t *testing.T) {
	cases := map[string]struct {
		mode    serverMode
		scheme  string
		query   string
		pass    string
		trust   bool
		wantErr string
	}{
		"STARTTLS":              {mode: startTLSServer, scheme: "imap", trust: true},
		"implicit TLS":          {mode: tlsServer, scheme: "imaps", trust: true},
		"STARTTLS not offered":  {mode: plainServer, scheme: "imap", wantErr: "STARTTLS"},
		"untrusted certificate": {mode: tlsServer, scheme: "imaps", wantErr: "certificate"},
		"wrong password":        {mode: plainServer, scheme: "imap", query: "tls=none", pass: "wrong pw", wantErr: "login"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ti := newTestIMAP(t, capsRev2, tc.mode)
			ti.add(message(1))
			rawURL := ti.url(tc.scheme, tc.query)
			if tc.pass != "" {
				rawURL = (&url.URL{Scheme: tc.scheme, User: url.UserPassword(imapUser, tc.pass), Host: ti.addr, Path: "/INBOX", RawQuery: tc.query}).String()
			}
			h := &recorder{}
			p := ti.poller(h, rawURL)
			if !tc.trust {
				p.tlsConfig = nil
			}
			err := p.Poll(context.Background())
			if tc.wantErr == "" {
				if err != nil || h.count() != 1 {
					t.Fatalf("err %v, handled %d", err, h.count())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want one about %s", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "wrong pw") {
				t.Errorf("error repeats the password: %v", err)
			}
			if h.count() != 0 {
				t.Errorf("handled %d", h.count())
			}
		})
	}
}

// TestIMAPRun: Run polls at once and stops with its context.
func TestIMAPRun(t *testing.T) {
	ti := newTestIMAP(t, capsRev2, plainServer)
	ti.add(message(1))
	got := make(chan struct{}, 1)
	h := HandlerFunc(func(context.Context, string, []byte) error { got <- struct{}{}; return nil })
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- ti.poller(h, ti.url("imap", "tls=none")).Run(ctx) }()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no message handed over")
	}
	cancel()
	if err := <-ran; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}

// selfSigned makes a certificate for 127.0.0.1.
func selfSigned(t *testing.T) (*tls.Config, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "imap.test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, cert
}

// TestIMAPCopyFailureKeepsMessage: without MOVE, a COPY that fails must
// not be followed by \Deleted and EXPUNGE. go-imap's own Client.Move
// fallback pipelines the three and loses the message; move waits.
func TestIMAPCopyFailureKeepsMessage(t *testing.T) {
	ti := newTestIMAP(t, capsRev1, plainServer)
	ti.add(message(1))
	p := ti.poller(&recorder{}, ti.url("imap", "tls=none"))
	c, err := p.connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapUser, imapPass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	// The processed folder was never created: COPY fails.
	if err := p.move(c, 1); err == nil {
		t.Fatal("move to a missing folder succeeded")
	}
	if inbox, _ := ti.contents("INBOX"); len(inbox) != 1 {
		t.Fatalf("INBOX holds %d after a failed copy", len(inbox))
	}
}
