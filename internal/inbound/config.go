package inbound

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of the optional settings.
const (
	DefaultProcessedFolder = "Atelier-processed"
	DefaultIMAPInterval    = time.Minute
	minIMAPInterval        = 10 * time.Second
)

// Config is how replies come in, read from the environment.
type Config struct {
	// ReplyAddress (ATELIER_REPLY_ADDRESS) is the address the commune's
	// mail system forwards replies to, lower-cased; the SMTP listener takes
	// mail for it only.
	ReplyAddress string
	// SMTPAddr (ATELIER_INBOUND_SMTP_ADDR, e.g. 10.0.0.5:2525) is where the
	// SMTP listener binds; "" runs none.
	SMTPAddr string
	// IMAP (ATELIER_IMAP_URL) is the mailbox to poll; nil polls none.
	IMAP *IMAPSettings
	// ProcessedFolder (ATELIER_IMAP_PROCESSED_FOLDER) receives the handled
	// messages; DefaultProcessedFolder when unset.
	ProcessedFolder string
	// IMAPInterval (ATELIER_IMAP_INTERVAL, a Go duration, at least 10s) is
	// the time between polls; DefaultIMAPInterval when unset.
	IMAPInterval time.Duration
}

// ConfigFromEnv reads the inbound settings through getenv (os.Getenv in
// production). Nothing set means no inbound mail; the errors name the
// variable and never repeat a password.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var c Config
	var err error
	if v := strings.TrimSpace(getenv("ATELIER_REPLY_ADDRESS")); v != "" {
		if c.ReplyAddress, err = ParseReplyAddress(v); err != nil {
			return c, err
		}
	}
	if v := strings.TrimSpace(getenv("ATELIER_INBOUND_SMTP_ADDR")); v != "" {
		if c.SMTPAddr, err = ParseSMTPAddr(v); err != nil {
			return c, err
		}
		if c.ReplyAddress == "" {
			return c, errors.New("ATELIER_INBOUND_SMTP_ADDR needs ATELIER_REPLY_ADDRESS: the listener takes mail for that address only")
		}
	}
	if v := strings.TrimSpace(getenv("ATELIER_IMAP_URL")); v != "" {
		s, err := ParseIMAPURL(v)
		if err != nil {
			return c, err
		}
		c.IMAP = &s
	}
	c.ProcessedFolder = strings.TrimSpace(getenv("ATELIER_IMAP_PROCESSED_FOLDER"))
	if c.ProcessedFolder == "" {
		c.ProcessedFolder = DefaultProcessedFolder
	}
	if c.IMAP != nil {
		if err := checkFolders(c.IMAP.Mailbox, c.ProcessedFolder); err != nil {
			return c, fmt.Errorf("ATELIER_IMAP_PROCESSED_FOLDER: %w", err)
		}
	}
	c.IMAPInterval = DefaultIMAPInterval
	if v := strings.TrimSpace(getenv("ATELIER_IMAP_INTERVAL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minIMAPInterval {
			return c, fmt.Errorf("ATELIER_IMAP_INTERVAL must be a duration of at least %v (e.g. 1m), not %q", minIMAPInterval, v)
		}
		c.IMAPInterval = d
	}
	return c, nil
}

// ParseReplyAddress checks a bare email address (no display name) and
// returns it lower-cased.
func ParseReplyAddress(v string) (string, error) {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v || strings.ContainsAny(v, " \t\"") {
		return "", fmt.Errorf("ATELIER_REPLY_ADDRESS must be a bare email address such as replies@atelier.example, not %q", v)
	}
	return strings.ToLower(v), nil
}

// ParseSMTPAddr checks a listen address host:port. An empty host listens
// on every interface, which the listener, having no authentication, should
// not: name the internal address the mail server reaches.
func ParseSMTPAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(strings.TrimSpace(v))
	if err != nil {
		return "", fmt.Errorf("ATELIER_INBOUND_SMTP_ADDR must be host:port such as 10.0.0.5:2525, not %q", v)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("ATELIER_INBOUND_SMTP_ADDR: port %q is not a number from 1 to 65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /:@") {
		return "", fmt.Errorf("ATELIER_INBOUND_SMTP_ADDR: host %q is not an IP address or name", host)
	}
	return net.JoinHostPort(host, port), nil
}

// Security is how the IMAP connection is protected.
type Security int

// Security modes, from the URL's scheme.
const (
	// ImplicitTLS is imaps:// (port 993 by default).
	ImplicitTLS Security = iota
	// StartTLS is imap:// (port 143 by default); the server must offer
	// STARTTLS, or the poll fails before the password is sent.
	StartTLS
	// Plain is imap://…?tls=none: no encryption, allowed to a loopback
	// host only (a local test server, or a local proxy), so that the
	// password never crosses a network in clear.
	Plain
)

// IMAPSettings is a parsed ATELIER_IMAP_URL. Its String, GoString and
// LogValue hide the password, so printing or logging it is safe.
type IMAPSettings struct {
	Security Security
	// Addr is host:port.
	Addr string
	// Host is the server name, also checked against its certificate.
	Host     string
	Username string
	password string
	// Mailbox is the folder polled (the URL's path), INBOX by default.
	Mailbox string
}

// ParseIMAPURL reads imaps://user:pass@host[:port][/mailbox] (TLS),
// imap://user:pass@host[:port][/mailbox] (STARTTLS) or
// imap://user:pass@127.0.0.1:port/INBOX?tls=none (plain, loopback only).
// Characters such as @ : / # ? in the user name or password must be
// percent-encoded (@ as %40).
func ParseIMAPURL(raw string) (IMAPSettings, error) {
	const name = "ATELIER_IMAP_URL"
	var s IMAPSettings
	// url.Parse's own errors quote the whole URL, password included: none
	// of them is passed on.
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return s, fmt.Errorf("%s is not a valid URL; percent-encode special characters of the user name and password (@ as %%40)", name)
	}
	defaultPort := ""
	switch u.Scheme {
	case "imaps":
		s.Security, defaultPort = ImplicitTLS, "993"
	case "imap":
		s.Security, defaultPort = StartTLS, "143"
	default:
		return s, fmt.Errorf("%s must start with imaps:// (or imap:// for STARTTLS)", name)
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return s, fmt.Errorf("%s has no host", name)
	}
	port := u.Port()
	if port == "" {
		port = defaultPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return s, fmt.Errorf("%s: port %q is not a number from 1 to 65535", name, port)
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	if u.User == nil || u.User.Username() == "" {
		return s, fmt.Errorf("%s has no user name (imaps://user:password@host/INBOX)", name)
	}
	s.Username = u.User.Username()
	pass, ok := u.User.Password()
	if !ok || pass == "" {
		return s, fmt.Errorf("%s has no password (imaps://user:password@host/INBOX)", name)
	}
	s.password = pass
	s.Mailbox = strings.Trim(u.Path, "/")
	if s.Mailbox == "" {
		s.Mailbox = "INBOX"
	}
	for k, v := range u.Query() {
		switch {
		case k == "tls" && len(v) == 1 && v[0] == "none" && s.Security == StartTLS:
			if !isLoopback(s.Host) {
				return s, fmt.Errorf("%s: tls=none is allowed to a loopback host only, not %q", name, s.Host)
			}
			s.Security = Plain
		default:
			return s, fmt.Errorf("%s: unknown option %q (only tls=none, with imap://, is known)", name, k)
		}
	}
	if u.Fragment != "" {
		return s, fmt.Errorf("%s has a # fragment; percent-encode # in the password as %%23", name)
	}
	return s, nil
}

// String writes the settings as a URL with the password hidden.
func (s IMAPSettings) String() string {
	scheme, query := "imaps", ""
	switch s.Security {
	case StartTLS:
		scheme = "imap"
	case Plain:
		scheme, query = "imap", "?tls=none"
	}
	u := url.URL{Scheme: scheme, User: url.UserPassword(s.Username, "xxxxx"), Host: s.Addr, Path: "/" + s.Mailbox}
	return u.String() + query
}

// GoString hides the password from %#v too.
func (s IMAPSettings) GoString() string { return "inbound.IMAPSettings(" + s.String() + ")" }

// LogValue hides the password from slog.
func (s IMAPSettings) LogValue() slog.Value { return slog.StringValue(s.String()) }

// isLoopback reports a host name or address that stays on this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkFolders refuses a processed folder that is the polled mailbox:
// moving a message onto itself would hand it over again at every poll.
func checkFolders(mailbox, processed string) error {
	if strings.TrimSpace(processed) == "" {
		return errors.New("empty folder name")
	}
	if processed == mailbox || (strings.EqualFold(processed, "INBOX") && strings.EqualFold(mailbox, "INBOX")) {
		return fmt.Errorf("the processed folder %q is the polled mailbox", processed)
	}
	return nil
}
