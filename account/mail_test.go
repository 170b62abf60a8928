package account_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/civiscope/civiscope/account"
)

// smtpSink is a minimal SMTP server (no TLS, no auth) that keeps what it
// receives: enough for net/smtp's client, and a stand-in for a real relay,
// which the tests cannot reach.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	data []string
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 sink ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.data = append(s.data, b.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpSink) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.data...)
}

func TestMailThroughSMTP(t *testing.T) {
	ctx := context.Background()
	sink := newSMTPSink(t)
	ml := &account.Mailer{SMTP: account.SMTPConfig{Addr: sink.ln.Addr().String(), From: "noreply@civiscope.example"}}
	err := ml.Send(ctx, db, account.Message{To: "smtp@example.org", Subject: "Réinitialiser votre mot de passe", Body: "Lien : https://x/reset\nLigne 2"})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.received()
	if len(got) != 1 || !strings.Contains(got[0], "Subject: =?utf-8?q?R=C3=A9initialiser") || !strings.Contains(got[0], "Lien : https://x/reset\r\nLigne 2") {
		t.Fatalf("received: %q", got)
	}
	var sent bool
	if err := db.QueryRow(ctx, `SELECT sent_at IS NOT NULL FROM mail_outbox WHERE to_addr = 'smtp@example.org' ORDER BY id DESC LIMIT 1`).Scan(&sent); err != nil || !sent {
		t.Fatalf("outbox entry not marked sent: %v %v", sent, err)
	}
	// A relay that is down: the message stays in the outbox with the error.
	sink.ln.Close()
	down := &account.Mailer{SMTP: account.SMTPConfig{Addr: sink.ln.Addr().String()}}
	if err := down.Send(ctx, db, account.Message{To: "down@example.org", Subject: "x\r\nBcc: evil@example.org", Body: "y"}); err == nil {
		t.Fatal("a failed delivery must be reported")
	}
	var errText string
	if err := db.QueryRow(ctx, `SELECT error FROM mail_outbox WHERE to_addr = 'down@example.org'`).Scan(&errText); err != nil || errText == "" {
		t.Fatalf("the failure must be kept on the entry: %q %v", errText, err)
	}
}
