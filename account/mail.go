package account

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/civiscope/civiscope/postgres"
)

// SMTPConfig is read from SMTP_ADDR (host:port), SMTP_FROM, SMTP_USERNAME
// and SMTP_PASSWORD. With no Addr, messages are only kept in the outbox and
// logged, which is what a development machine or a test wants.
type SMTPConfig struct {
	Addr     string
	From     string
	Username string
	Password string
}

// Mailer sends the site's messages. Every message is first written to the
// mail_outbox table, so an admin can read what was sent (or could not be).
type Mailer struct {
	SMTP SMTPConfig
	Log  *slog.Logger
}

// Message is one email.
type Message struct {
	To      string
	Subject string
	Body    string
	// Secret is the part of Body that grants access (a reset token): it is
	// never logged, admins see it masked, and it is masked in the stored
	// body once delivered.
	Secret string
}

// secretMask replaces a message's secret wherever people read the outbox.
const secretMask = "[lien secret masqué : seul le destinataire le reçoit / secret link hidden: only the recipient gets it]"

// masked is m's body as admins may read it.
func (m Message) masked() string {
	if m.Secret == "" {
		return m.Body
	}
	return strings.ReplaceAll(m.Body, m.Secret, secretMask)
}

// OutboxEntry is a message as the outbox keeps it.
type OutboxEntry struct {
	ID        int64
	Message   Message
	CreatedAt time.Time
	SentAt    *time.Time
	Error     string
}

// Send records m in the outbox and delivers it through SMTP when configured;
// otherwise it logs it. A delivery failure is recorded on the entry and
// returned.
func (ml *Mailer) Send(ctx context.Context, db postgres.Querier, m Message) error {
	var id int64
	if err := db.QueryRow(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, secret) VALUES ($1, $2, $3, $4) RETURNING id`,
		m.To, m.Subject, m.Body, m.Secret).Scan(&id); err != nil {
		return fmt.Errorf("queue message to %s: %w", m.To, err)
	}
	log := ml.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if ml.SMTP.Addr == "" {
		log.Info("mail kept in outbox (no SMTP configured)", "outbox_id", id, "to", m.To, "subject", m.Subject, "body", m.masked())
		return nil
	}
	err := ml.deliver(m)
	errText := ""
	if err != nil {
		errText = err.Error()
		log.Error("mail delivery failed", "outbox_id", id, "to", m.To, "err", err)
	}
	if _, uerr := db.Exec(ctx, `UPDATE mail_outbox SET sent_at = CASE WHEN $2 = '' THEN now() END, error = left($2, 500),
			body = CASE WHEN $2 = '' AND secret <> '' THEN replace(body, secret, $3) ELSE body END,
			secret = CASE WHEN $2 = '' THEN '' ELSE secret END
		WHERE id = $1`, id, errText, secretMask); uerr != nil {
		return fmt.Errorf("mark message %d: %w", id, uerr)
	}
	if err != nil {
		return fmt.Errorf("send message to %s: %w", m.To, err)
	}
	return nil
}

func (ml *Mailer) deliver(m Message) error {
	host, _, err := net.SplitHostPort(ml.SMTP.Addr)
	if err != nil {
		return fmt.Errorf("SMTP_ADDR %q is not host:port: %w", ml.SMTP.Addr, err)
	}
	var auth smtp.Auth
	if ml.SMTP.Username != "" {
		auth = smtp.PlainAuth("", ml.SMTP.Username, ml.SMTP.Password, host)
	}
	from := ml.SMTP.From
	if from == "" {
		from = "civiscope@" + host
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nDate: %s\r\n\r\n",
		from, m.To, mimeHeader(m.Subject), time.Now().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	return smtp.SendMail(ml.SMTP.Addr, auth, from, []string{m.To}, []byte(b.String()))
}

// mimeHeader encodes a subject with accents as RFC 2047 and strips line
// breaks, which would otherwise inject headers.
func mimeHeader(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	for _, r := range s {
		if r > 127 {
			return "=?utf-8?q?" + qEncode(s) + "?="
		}
	}
	return s
}

func qEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

// Outbox lists the newest messages first, for the admin page, with their
// secrets masked.
func Outbox(ctx context.Context, db postgres.Querier, limit, offset int) ([]OutboxEntry, int, error) {
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count outbox: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT id, to_addr, subject, body, secret, created_at, sent_at, error
		FROM mail_outbox ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		if err := rows.Scan(&e.ID, &e.Message.To, &e.Message.Subject, &e.Message.Body, &e.Message.Secret, &e.CreatedAt, &e.SentAt, &e.Error); err != nil {
			return nil, 0, fmt.Errorf("read outbox: %w", err)
		}
		e.Message.Body, e.Message.Secret = e.Message.masked(), ""
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// LoadSMTPConfig reads the SMTP_* variables through getenv.
func LoadSMTPConfig(getenv func(string) string) SMTPConfig {
	return SMTPConfig{Addr: getenv("SMTP_ADDR"), From: getenv("SMTP_FROM"),
		Username: getenv("SMTP_USERNAME"), Password: getenv("SMTP_PASSWORD")}
}
