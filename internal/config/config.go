// Package config reads Atelier's settings from the environment, with
// defaults that run with zero set-up.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/inbound"
)

// Config is every setting of a running Atelier.
type Config struct {
	DatabaseURL   string
	Addr          string
	BaseURL       string
	AdminEmail    string
	AdminPassword string
	SMTPURL       string
	MailFrom      string
	// ReplyAddress (ATELIER_REPLY_ADDRESS) is where participants' calendar
	// replies reach Atelier: the invitations' ORGANIZER and Reply-To. ""
	// means replies are not read and invitations ask for no answer.
	ReplyAddress string
	// Inbound says how replies come in: the SMTP listener, the IMAP poller
	// (ATELIER_INBOUND_SMTP_ADDR, ATELIER_IMAP_*), both or neither.
	Inbound   inbound.Config
	LogLevel  slog.Level
	LogFormat string
	// RequestTimeout bounds every request (ATELIER_REQUEST_TIMEOUT).
	RequestTimeout time.Duration
	// RetentionMonths is how long the personal data of people who left,
	// and of disabled accounts, is kept (ATELIER_RETENTION_MONTHS).
	RetentionMonths int
	// DBMaxConns caps the PostgreSQL connection pool (ATELIER_DB_MAX_CONNS,
	// 16 by default; SQLite always uses one connection).
	DBMaxConns int
	// PprofAddr (ATELIER_PPROF_ADDR), when set, serves Go's profiler on a
	// loopback address, for measuring under load; off by default.
	PprofAddr string
}

// FromEnv reads the settings through getenv (os.Getenv in production).
func FromEnv(getenv func(string) string) (Config, error) {
	var err error
	c := Config{
		DatabaseURL:   getenv("DATABASE_URL"),
		Addr:          getenv("ATELIER_ADDR"),
		BaseURL:       getenv("ATELIER_BASE_URL"),
		AdminEmail:    getenv("ATELIER_ADMIN_EMAIL"),
		AdminPassword: getenv("ATELIER_ADMIN_PASSWORD"),
		SMTPURL:       getenv("ATELIER_SMTP_URL"),
		MailFrom:      getenv("ATELIER_MAIL_FROM"),
		LogFormat:     strings.ToLower(getenv("LOG_FORMAT")),
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "atelier.db"
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	if lvl := getenv("LOG_LEVEL"); lvl != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL: %w", err)
		}
	}
	if err := c.SetAddr(c.Addr, getenv("ATELIER_BASE_URL") != ""); err != nil {
		return c, err
	}
	c.RequestTimeout = 15 * time.Second
	if raw := getenv("ATELIER_REQUEST_TIMEOUT"); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d < time.Second || d > 10*time.Minute {
			return c, fmt.Errorf("ATELIER_REQUEST_TIMEOUT must be a duration between 1s and 10m, such as 15s, not %q", raw)
		}
		c.RequestTimeout = d
	}
	c.RetentionMonths = 24
	if raw := getenv("ATELIER_RETENTION_MONTHS"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 240 {
			return c, fmt.Errorf("ATELIER_RETENTION_MONTHS must be a number of months between 1 and 240, not %q", raw)
		}
		c.RetentionMonths = n
	}
	c.DBMaxConns = 16
	if raw := getenv("ATELIER_DB_MAX_CONNS"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 500 {
			return c, fmt.Errorf("ATELIER_DB_MAX_CONNS must be a number of connections between 1 and 500, not %q", raw)
		}
		c.DBMaxConns = n
	}
	if raw := getenv("ATELIER_PPROF_ADDR"); raw != "" {
		host, _, err := net.SplitHostPort(raw)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return c, fmt.Errorf("ATELIER_PPROF_ADDR must be a loopback address such as 127.0.0.1:6060, not %q", raw)
		}
		c.PprofAddr = raw
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return c, fmt.Errorf("ATELIER_SMTP_URL must look like smtp://user:pass@host:port")
		}
	}
	if c.Inbound, err = inbound.ConfigFromEnv(getenv); err != nil {
		return c, err
	}
	c.ReplyAddress = c.Inbound.ReplyAddress
	if c.Inbound.IMAP != nil && c.ReplyAddress == "" {
		// Invitations would name HR as organiser: replies would not reach
		// the polled mailbox, and whatever else is there would be moved.
		return c, errors.New("ATELIER_IMAP_URL needs ATELIER_REPLY_ADDRESS: the polled mailbox must be the one invitations name for replies")
	}
	return c, nil
}

// SetAddr changes the listen address; unless the base URL was given
// explicitly it follows the address.
func (c *Config) SetAddr(addr string, baseURLExplicit bool) error {
	c.Addr = addr
	if !baseURLExplicit {
		c.BaseURL = "http://" + addr
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("ATELIER_BASE_URL must be an absolute http(s) URL, not %q", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return nil
}
