package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestServeReadsReplies: with ATELIER_REPLY_ADDRESS and
// ATELIER_INBOUND_SMTP_ADDR, serve listens for replies as well, refuses a
// mail that is no calendar reply (554), accepts mail for the reply address
// only, and stops the listener with the server.
func TestServeReadsReplies(t *testing.T) {
	addr, inboundAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "atelier.db"), "ATELIER_ADDR": addr,
		"ATELIER_REPLY_ADDRESS": "formations@commune.example", "ATELIER_INBOUND_SMTP_ADDR": inboundAddr,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var out, errOut bytes.Buffer
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	waitHealthy(t, "http://"+addr)
	c, err := smtp.Dial(inboundAddr)
	if err != nil {
		t.Fatalf("the reply listener is not up: %v", err)
	}
	if err := c.Hello("mx.commune.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("jean@commune.example", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("rh@commune.example", nil); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("another recipient: %v, want 550", err)
	}
	if err := c.Rcpt("formations@commune.example", nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("From: jean@commune.example\r\nSubject: Merci\r\n\r\nJe viendrai.\r\n"))
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "554") {
		t.Errorf("a plain mail: %v, want 554", err)
	}
	_ = c.Quit()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := smtp.Dial(inboundAddr); err == nil {
		t.Error("the reply listener still answers after the stop")
	}
}

// TestServeRepliesConfig: a way in without a reply address is refused at
// start, naming the variable.
func TestServeRepliesConfig(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"listener": {"ATELIER_INBOUND_SMTP_ADDR": "127.0.0.1:2525"},
		"imap":     {"ATELIER_IMAP_URL": "imaps://u:pw@mail.commune.example/INBOX"},
	} {
		t.Run(name, func(t *testing.T) {
			env["DATABASE_URL"] = "sqlite:" + filepath.Join(t.TempDir(), "atelier.db")
			code, _, errOut := cli(t, env, "", "serve")
			if code != 1 || !strings.Contains(errOut, "ATELIER_REPLY_ADDRESS") {
				t.Errorf("exit %d: %s", code, errOut)
			}
		})
	}
}
