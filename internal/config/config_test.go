package config

import "testing"

func TestFromEnv(t *testing.T) {
	cases := map[string]struct {
		env     map[string]string
		wantErr bool
		check   func(t *testing.T, c Config)
	}{
		"zero config": {env: nil, check: func(t *testing.T, c Config) {
			if c.DatabaseURL != "atelier.db" || c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" {
				t.Errorf("defaults: %+v", c)
			}
		}},
		"base url follows addr": {env: map[string]string{"ATELIER_ADDR": "0.0.0.0:9000"}, check: func(t *testing.T, c Config) {
			if c.BaseURL != "http://0.0.0.0:9000" {
				t.Errorf("base url %q", c.BaseURL)
			}
		}},
		"explicit base url": {env: map[string]string{"ATELIER_BASE_URL": "https://atelier.commune.ch/"}, check: func(t *testing.T, c Config) {
			if c.BaseURL != "https://atelier.commune.ch" {
				t.Errorf("base url %q", c.BaseURL)
			}
		}},
		"bad base url":  {env: map[string]string{"ATELIER_BASE_URL": "ftp://x"}, wantErr: true},
		"bad smtp":      {env: map[string]string{"ATELIER_SMTP_URL": "mail.example.com"}, wantErr: true},
		"good smtp":     {env: map[string]string{"ATELIER_SMTP_URL": "smtp://u:p@localhost:1025"}},
		"bad log level": {env: map[string]string{"LOG_LEVEL": "loud"}, wantErr: true},
		"bad format":    {env: map[string]string{"LOG_FORMAT": "xml"}, wantErr: true},
		"no replies": {env: nil, check: func(t *testing.T, c Config) {
			if c.ReplyAddress != "" || c.Inbound.SMTPAddr != "" || c.Inbound.IMAP != nil {
				t.Errorf("replies read without being configured: %+v", c.Inbound)
			}
		}},
		"replies by smtp": {env: map[string]string{"ATELIER_REPLY_ADDRESS": "Formations@Ecublens.example", "ATELIER_INBOUND_SMTP_ADDR": "10.0.0.5:2525"}, check: func(t *testing.T, c Config) {
			if c.ReplyAddress != "formations@ecublens.example" || c.Inbound.SMTPAddr != "10.0.0.5:2525" {
				t.Errorf("reply address %q, listener %q", c.ReplyAddress, c.Inbound.SMTPAddr)
			}
		}},
		"replies by imap": {env: map[string]string{"ATELIER_REPLY_ADDRESS": "formations@ecublens.example", "ATELIER_IMAP_URL": "imaps://formations%40ecublens.example:pw@mail.ecublens.example/INBOX"}, check: func(t *testing.T, c Config) {
			if c.Inbound.IMAP == nil || c.Inbound.IMAP.Host != "mail.ecublens.example" {
				t.Errorf("imap %v", c.Inbound.IMAP)
			}
		}},
		"reply address with a name":      {env: map[string]string{"ATELIER_REPLY_ADDRESS": "RH <formations@ecublens.example>"}, wantErr: true},
		"listener without reply address": {env: map[string]string{"ATELIER_INBOUND_SMTP_ADDR": "10.0.0.5:2525"}, wantErr: true},
		"pool size": {env: map[string]string{"ATELIER_DB_MAX_CONNS": "40"}, check: func(t *testing.T, c Config) {
			if c.DBMaxConns != 40 {
				t.Errorf("pool %d", c.DBMaxConns)
			}
		}},
		"pool size default": {env: nil, check: func(t *testing.T, c Config) {
			if c.DBMaxConns != 16 || c.PprofAddr != "" {
				t.Errorf("pool %d, pprof %q", c.DBMaxConns, c.PprofAddr)
			}
		}},
		"pool size zero":         {env: map[string]string{"ATELIER_DB_MAX_CONNS": "0"}, wantErr: true},
		"pool size not a number": {env: map[string]string{"ATELIER_DB_MAX_CONNS": "many"}, wantErr: true},
		"pprof on loopback": {env: map[string]string{"ATELIER_PPROF_ADDR": "127.0.0.1:6060"}, check: func(t *testing.T, c Config) {
			if c.PprofAddr != "127.0.0.1:6060" {
				t.Errorf("pprof %q", c.PprofAddr)
			}
		}},
		"pprof on every address":     {env: map[string]string{"ATELIER_PPROF_ADDR": "0.0.0.0:6060"}, wantErr: true},
		"pprof without a port":       {env: map[string]string{"ATELIER_PPROF_ADDR": "127.0.0.1"}, wantErr: true},
		"imap without reply address": {env: map[string]string{"ATELIER_IMAP_URL": "imaps://u:pw@mail.ecublens.example/INBOX"}, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.check != nil && err == nil {
				tc.check(t, c)
			}
		})
	}
}
