package inbound

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestConfigFromEnv: what each setting becomes, and the message a wrong
// one gives.
func TestConfigFromEnv(t *testing.T) {
	cases := map[string]struct {
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		"nothing set": {env: map[string]string{}, check: func(c Config) bool {
			return c.ReplyAddress == "" && c.SMTPAddr == "" && c.IMAP == nil && c.ProcessedFolder == DefaultProcessedFolder && c.IMAPInterval == time.Minute
		}},
		"SMTP listener": {
			env: map[string]string{"ATELIER_REPLY_ADDRESS": " Replies@Atelier.Example ", "ATELIER_INBOUND_SMTP_ADDR": "10.0.0.5:2525"},
			check: func(c Config) bool {
				return c.ReplyAddress == "replies@atelier.example" && c.SMTPAddr == "10.0.0.5:2525"
			},
		},
		"all interfaces":            {env: map[string]string{"ATELIER_REPLY_ADDRESS": "r@a.example", "ATELIER_INBOUND_SMTP_ADDR": "0.0.0.0:2525"}, check: func(c Config) bool { return c.SMTPAddr == "0.0.0.0:2525" }},
		"IPv6 listener":             {env: map[string]string{"ATELIER_REPLY_ADDRESS": "r@a.example", "ATELIER_INBOUND_SMTP_ADDR": "[fd00::5]:2525"}, check: func(c Config) bool { return c.SMTPAddr == "[fd00::5]:2525" }},
		"SMTP without address":      {env: map[string]string{"ATELIER_INBOUND_SMTP_ADDR": "10.0.0.5:2525"}, wantErr: "needs ATELIER_REPLY_ADDRESS"},
		"SMTP without port":         {env: map[string]string{"ATELIER_REPLY_ADDRESS": "r@a.example", "ATELIER_INBOUND_SMTP_ADDR": "10.0.0.5"}, wantErr: "ATELIER_INBOUND_SMTP_ADDR must be host:port"},
		"SMTP bad port":             {env: map[string]string{"ATELIER_REPLY_ADDRESS": "r@a.example", "ATELIER_INBOUND_SMTP_ADDR": "10.0.0.5:99999"}, wantErr: "port"},
		"reply address with a name": {env: map[string]string{"ATELIER_REPLY_ADDRESS": "Atelier <r@a.example>"}, wantErr: "ATELIER_REPLY_ADDRESS must be a bare email address"},
		"reply address invalid":     {env: map[string]string{"ATELIER_REPLY_ADDRESS": "replies"}, wantErr: "ATELIER_REPLY_ADDRESS"},
		"IMAP": {
			env: map[string]string{"ATELIER_IMAP_URL": "imaps://replies%40ecublens.example:s3cr3t@mail.ecublens.example/Atelier/Replies", "ATELIER_IMAP_PROCESSED_FOLDER": "Atelier/Done", "ATELIER_IMAP_INTERVAL": "30s"},
			check: func(c Config) bool {
				s := c.IMAP
				return s != nil && s.Security == ImplicitTLS && s.Addr == "mail.ecublens.example:993" && s.Username == "replies@ecublens.example" &&
					s.password == "s3cr3t" && s.Mailbox == "Atelier/Replies" && c.ProcessedFolder == "Atelier/Done" && c.IMAPInterval == 30*time.Second
			},
		},
		"IMAP STARTTLS, INBOX by default": {
			env: map[string]string{"ATELIER_IMAP_URL": "imap://u:s3cr3t@mail.example:1143"},
			check: func(c Config) bool {
				return c.IMAP.Security == StartTLS && c.IMAP.Addr == "mail.example:1143" && c.IMAP.Mailbox == "INBOX"
			},
		},
		"IMAP plain to loopback": {
			env:   map[string]string{"ATELIER_IMAP_URL": "imap://u:s3cr3t@127.0.0.1:1143/INBOX?tls=none"},
			check: func(c Config) bool { return c.IMAP.Security == Plain },
		},
		"IMAP plain elsewhere":            {env: map[string]string{"ATELIER_IMAP_URL": "imap://u:s3cr3t@mail.example/INBOX?tls=none"}, wantErr: "loopback host only"},
		"IMAP plain with imaps":           {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3cr3t@127.0.0.1/INBOX?tls=none"}, wantErr: "unknown option"},
		"IMAP unknown option":             {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3cr3t@mail.example/INBOX?insecure=1"}, wantErr: "unknown option"},
		"IMAP wrong scheme":               {env: map[string]string{"ATELIER_IMAP_URL": "https://u:s3cr3t@mail.example/"}, wantErr: "must start with imaps://"},
		"IMAP no password":                {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u@mail.example/"}, wantErr: "no password"},
		"IMAP no user":                    {env: map[string]string{"ATELIER_IMAP_URL": "imaps://:s3cr3t@mail.example/"}, wantErr: "no user name"},
		"IMAP no host":                    {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3cr3t@/INBOX"}, wantErr: "no host"},
		"IMAP bad port":                   {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3cr3t@mail.example:99x/"}, wantErr: "valid URL"},
		"IMAP unescaped # in password":    {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3cr#3t@mail.example/"}, wantErr: "ATELIER_IMAP_URL"},
		"IMAP unescaped / in password":    {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3/cr3t@mail.example/"}, wantErr: "ATELIER_IMAP_URL"},
		"processed folder is the mailbox": {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:s3cr3t@mail.example/INBOX", "ATELIER_IMAP_PROCESSED_FOLDER": "inbox"}, wantErr: "is the polled mailbox"},
		"interval too short":              {env: map[string]string{"ATELIER_IMAP_INTERVAL": "1s"}, wantErr: "ATELIER_IMAP_INTERVAL"},
		"interval not a duration":         {env: map[string]string{"ATELIER_IMAP_INTERVAL": "5"}, wantErr: "ATELIER_IMAP_INTERVAL"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := ConfigFromEnv(env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "s3cr") || strings.Contains(err.Error(), "cr3t") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("got %+v", c)
			}
		})
	}
}

// TestIMAPSettingsHidePassword: printing or logging the settings never
// shows the password.
func TestIMAPSettingsHidePassword(t *testing.T) {
	s, err := ParseIMAPURL("imap://replies%40x.example:s3cr3t@127.0.0.1:1143/INBOX?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("poll", "imap", s)
	for _, out := range []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%v", &s), logged.String()} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("password shown: %s", out)
		}
	}
	if want := "imap://replies%40x.example:xxxxx@127.0.0.1:1143/INBOX?tls=none"; s.String() != want {
		t.Errorf("String() = %s, want %s", s.String(), want)
	}
}
