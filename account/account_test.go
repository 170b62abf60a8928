package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "account", pgtest.Empty, &db) }

func mustCreate(t *testing.T, email string) *account.User {
	t.Helper()
	u, err := account.Create(context.Background(), db, account.NewUser{Email: email, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := account.HashPassword("s3cret-enough")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	if !account.VerifyPassword(h, "s3cret-enough") {
		t.Error("right password refused")
	}
	if account.VerifyPassword(h, "s3cret-enougH") {
		t.Error("wrong password accepted")
	}
	h2, _ := account.HashPassword("s3cret-enough")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA"} {
		if account.VerifyPassword(bad, "x") {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
}

func TestCreateValidates(t *testing.T) {
	ctx := context.Background()
	_, err := account.Create(ctx, db, account.NewUser{Email: "not an email", Password: "short", DisplayName: strings.Repeat("é", 101)})
	fields := map[string]bool{}
	for _, f := range civiscope.ErrorFields(err) {
		fields[f.Field] = true
	}
	if civiscope.ErrorCode(err) != civiscope.EINVALID || !fields["email"] || !fields["password"] || !fields["display_name"] {
		t.Fatalf("want email, password and display_name errors, got %v", err)
	}
	mustCreate(t, "Alice@Example.org")
	_, err = account.Create(ctx, db, account.NewUser{Email: "alice@example.org ", Password: "another long one"})
	if civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("duplicate address (other case): want conflict, got %v", err)
	}
	u, err := account.ByEmail(ctx, db, "ALICE@example.org")
	if err != nil || u.Email != "alice@example.org" || u.Role != account.RoleContributor {
		t.Fatalf("ByEmail: %+v %v", u, err)
	}
}

func TestAuthenticateAndThrottle(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "bob@example.org")
	if _, err := account.Authenticate(ctx, db, "bob@example.org", "correct horse battery", "192.0.2.1"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for i := 0; i < account.MaxPairFailures; i++ {
		_, err := account.Authenticate(ctx, db, "bob@example.org", "wrong password!", "192.0.2.1")
		if civiscope.ErrorCode(err) != civiscope.EUNAUTHORIZED {
			t.Fatalf("attempt %d: want unauthorized, got %v", i, err)
		}
	}
	// The address that failed waits; each block in a row is twice as long.
	_, err := account.Authenticate(ctx, db, "bob@example.org", "correct horse battery", "192.0.2.1")
	first, ok := account.RetryAfter(err)
	if !ok || first < account.LoginBackoff-time.Second || first > account.LoginBackoff {
		t.Fatalf("after %d failures this address must wait %v, got %v (wait %v)", account.MaxPairFailures, account.LoginBackoff, err, first)
	}
	if _, err := db.Exec(ctx, `UPDATE login_throttle SET blocked_until = now() - interval '1 second' WHERE key LIKE 'acct:bob@example.org|%'`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < account.MaxPairFailures; i++ {
		_, _ = account.Authenticate(ctx, db, "bob@example.org", "wrong password!", "192.0.2.1")
	}
	_, err = account.Authenticate(ctx, db, "bob@example.org", "correct horse battery", "192.0.2.1")
	if second, ok := account.RetryAfter(err); !ok || second < 2*first-2*time.Second {
		t.Fatalf("a second block must last twice the first (%v): %v", first, err)
	}
	// Once the block is over, the right password works and clears it.
	if _, err := db.Exec(ctx, `UPDATE login_throttle SET blocked_until = now() - interval '1 second' WHERE key LIKE 'acct:bob@example.org|%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := account.Authenticate(ctx, db, "bob@example.org", "correct horse battery", "192.0.2.1"); err != nil {
		t.Fatalf("after the block: %v", err)
	}
	// Unknown address: same answer as a wrong password.
	_, err = account.Authenticate(ctx, db, "nobody@example.org", "whatever123", "192.0.2.9")
	if civiscope.ErrorCode(err) != civiscope.EUNAUTHORIZED {
		t.Fatalf("unknown address: %v", err)
	}
}

// The lockout scenario of issue 18: an attacker hammering an account from
// one address slows down only themselves; the owner, from their own
// address, logs in at once. An attack from many addresses can block the
// account, but never the owner's reset link, which lifts the block.
func TestNobodyCanLockTheOwnerOut(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "mallory-target@example.org")
	for i := 0; i < 50; i++ {
		_, _ = account.Authenticate(ctx, db, "mallory-target@example.org", "guess "+strings.Repeat("x", i), "203.0.113.66")
	}
	if _, err := account.Authenticate(ctx, db, "mallory-target@example.org", "correct horse battery", "192.0.2.77"); err != nil {
		t.Fatalf("the owner, from their own address, was refused after an attack from another: %v", err)
	}
	// A spread attack: a few guesses from each of many addresses.
	for i := 0; i < account.MaxAccountFailures+5; i++ {
		_, _ = account.Authenticate(ctx, db, "mallory-target@example.org", "guess", fmt.Sprintf("198.18.%d.%d", i/200, i%200))
	}
	_, err := account.Authenticate(ctx, db, "mallory-target@example.org", "correct horse battery", "192.0.2.77")
	if _, ok := account.RetryAfter(err); !ok {
		t.Fatalf("a spread attack of %d guesses must slow the account down: %v", account.MaxAccountFailures, err)
	}
	if !strings.Contains(civiscope.ErrorMessage(err), "reset your password") {
		t.Errorf("the refusal must show the way in: %q", civiscope.ErrorMessage(err))
	}
	var link string
	if err := account.RequestReset(ctx, db, &account.Mailer{}, "mallory-target@example.org", func(tok string) string { link = tok; return tok }); err != nil {
		t.Fatal(err)
	}
	if _, err := account.ResetPassword(ctx, db, link, "the owner's new passphrase"); err != nil {
		t.Fatalf("the reset link must work during an attack: %v", err)
	}
	if _, err := account.Authenticate(ctx, db, "mallory-target@example.org", "the owner's new passphrase", "192.0.2.77"); err != nil {
		t.Fatalf("after the reset the owner logs in: %v", err)
	}
}

// 20 wrong passwords at once against a limit of 5: only 5 are checked.
func TestLoginLimitHoldsUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "racer@example.org")
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := account.Authenticate(ctx, db, "racer@example.org", "wrong password!", "192.0.2.200")
			mu.Lock()
			codes[civiscope.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[civiscope.EUNAUTHORIZED] != account.MaxPairFailures || codes[civiscope.ETOOMANY] != 20-account.MaxPairFailures {
		t.Errorf("20 concurrent wrong passwords: %v; want %d checked and the rest refused", codes, account.MaxPairFailures)
	}
}

func TestThrottlePerIP(t *testing.T) {
	ctx := context.Background()
	for i := 0; i < account.MaxIPFailures; i++ {
		_, _ = account.Authenticate(ctx, db, "spray"+strings.Repeat("x", i%7)+"@example.org", "guess-guess", "198.51.100.7")
	}
	mustCreate(t, "carol@example.org")
	_, err := account.Authenticate(ctx, db, "carol@example.org", "correct horse battery", "198.51.100.7")
	if _, ok := account.RetryAfter(err); !ok {
		t.Fatalf("an IP spraying many addresses must be throttled, got %v", err)
	}
	if _, err := account.Authenticate(ctx, db, "carol@example.org", "correct horse battery", "198.51.100.8"); err != nil {
		t.Fatalf("another IP is not throttled: %v", err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	u := mustCreate(t, "dan@example.org")
	tok, err := account.NewSession(ctx, db, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM user_session WHERE token_hash = $1::text::bytea`, tok).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("the token must not be stored in clear (%d, %v)", stored, err)
	}
	got, err := account.SessionUser(ctx, db, tok)
	if err != nil || got.ID != u.ID {
		t.Fatalf("session user: %+v %v", got, err)
	}
	if _, err := account.SessionUser(ctx, db, tok+"x"); civiscope.ErrorCode(err) != civiscope.EUNAUTHORIZED {
		t.Fatalf("forged token: %v", err)
	}
	if _, err := db.Exec(ctx, `UPDATE user_session SET expires_at = now() - interval '1 second' WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := account.SessionUser(ctx, db, tok); civiscope.ErrorCode(err) != civiscope.EUNAUTHORIZED {
		t.Fatalf("expired session: %v", err)
	}
	tok2, _ := account.NewSession(ctx, db, u.ID)
	if err := account.EndSession(ctx, db, tok2); err != nil {
		t.Fatal(err)
	}
	if _, err := account.SessionUser(ctx, db, tok2); civiscope.ErrorCode(err) != civiscope.EUNAUTHORIZED {
		t.Fatalf("session after logout: %v", err)
	}
}

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	u := mustCreate(t, "erin@example.org")
	sess, _ := account.NewSession(ctx, db, u.ID)
	ml := &account.Mailer{}
	var link string
	if err := account.RequestReset(ctx, db, ml, "erin@example.org", func(tok string) string { link = tok; return "https://x/reset?t=" + tok }); err != nil {
		t.Fatal(err)
	}
	box, _, err := account.Outbox(ctx, db, 10, 0)
	if err != nil || len(box) == 0 || box[0].Message.To != "erin@example.org" || !strings.Contains(box[0].Message.Body, "masqué") || box[0].SentAt != nil {
		t.Fatalf("the reset mail must be in the outbox, unsent without SMTP: %+v %v", box, err)
	}
	// Unknown address: nothing happens, nothing is revealed.
	if err := account.RequestReset(ctx, db, ml, "ghost@example.org", func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if _, err := account.ResetPassword(ctx, db, link, "short"); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("weak new password: %v", err)
	}
	if _, err := account.ResetPassword(ctx, db, link, "a brand new password"); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if _, err := account.SessionUser(ctx, db, sess); err == nil {
		t.Error("a reset must end the account's sessions")
	}
	if _, err := account.Authenticate(ctx, db, "erin@example.org", "a brand new password", "192.0.2.50"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	_, err = account.ResetPassword(ctx, db, link, "yet another password")
	if civiscope.ErrorCode(err) != civiscope.EINVALID || !strings.Contains(civiscope.ErrorMessage(err), "already used") {
		t.Fatalf("reused token: %v", err)
	}
	// Expired token.
	_ = account.RequestReset(ctx, db, ml, "erin@example.org", func(tok string) string { link = tok; return tok })
	if _, err := db.Exec(ctx, `UPDATE password_reset SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	_, err = account.ResetPassword(ctx, db, link, "yet another password")
	if !strings.Contains(civiscope.ErrorMessage(err), "expired") {
		t.Fatalf("expired token: %v", err)
	}
	if _, err := account.ResetPassword(ctx, db, "forged", "yet another password"); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("forged token: %v", err)
	}
	// Flood protection: past 3 an hour, no more mail (and no other answer,
	// see TestResetRevealsNoAccount).
	_ = account.RequestReset(ctx, db, ml, "erin@example.org", func(string) string { return "" })
	_ = account.RequestReset(ctx, db, ml, "erin@example.org", func(string) string { return "" })
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'erin@example.org'`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("4 resets in an hour sent %d mails, want 3 (%v)", n, err)
	}
}

func TestDeleteKeepsRowAndErasesPerson(t *testing.T) {
	ctx := context.Background()
	u := mustCreate(t, "frank@example.org")
	tok, _ := account.NewSession(ctx, db, u.ID)
	ml := &account.Mailer{}
	_ = account.RequestReset(ctx, db, ml, "frank@example.org", func(string) string { return "l" })
	if err := account.Delete(ctx, db, u.ID); err != nil {
		t.Fatal(err)
	}
	got, err := account.Get(ctx, db, u.ID)
	if err != nil || !got.Deleted() || got.Email != "" || got.Name() != "deleted user" {
		t.Fatalf("deleted account: %+v %v", got, err)
	}
	if _, err := account.SessionUser(ctx, db, tok); err == nil {
		t.Error("sessions survive deletion")
	}
	var mails int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'frank@example.org'`).Scan(&mails)
	if mails != 0 {
		t.Errorf("%d messages to the erased address remain", mails)
	}
	// The address is free again.
	mustCreate(t, "frank@example.org")
	if err := account.Delete(ctx, db, u.ID); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestAgentAutoApprovalByDomain(t *testing.T) {
	ctx := context.Background()
	var tid int64
	if err := db.QueryRow(ctx, `INSERT INTO territory (kind, code, name, name_norm, source)
		VALUES ('commune', '99001', 'Testville', 'testville', 'test') RETURNING id`).Scan(&tid); err != nil {
		t.Fatal(err)
	}
	mod := mustCreate(t, "mod@example.org")
	stranger := mustCreate(t, "agent@gmail.example")
	st, err := account.RequestAgent(ctx, db, stranger, tid)
	if err != nil || st != "pending" {
		t.Fatalf("unknown domain must wait for a moderator: %q %v", st, err)
	}
	if err := account.AddTerritoryDomain(ctx, db, tid, "WWW.Testville.fr", mod.ID); err != nil {
		t.Fatal(err)
	}
	clerk := mustCreate(t, "clerk@mairie.testville.fr")
	st, err = account.RequestAgent(ctx, db, clerk, tid)
	if err != nil || st != "approved" {
		t.Fatalf("email on the collectivité's domain must be approved at once: %q %v", st, err)
	}
	// A look-alike domain is not the collectivité's.
	evil := mustCreate(t, "x@eviltestville.fr")
	if st, _ := account.RequestAgent(ctx, db, evil, tid); st != "pending" {
		t.Fatalf("look-alike domain approved: %q", st)
	}
	if ok, _ := account.IsAgent(ctx, db, stranger.ID, tid); ok {
		t.Fatal("pending agent counted as approved")
	}
	if err := account.DecideAgent(ctx, db, mod.ID, stranger.ID, tid, true, false); err != nil {
		t.Fatal(err)
	}
	if ok, _ := account.IsAgent(ctx, db, stranger.ID, tid); !ok {
		t.Fatal("moderator's approval not recorded")
	}
	pending, err := account.Agents(ctx, db, 0)
	if err != nil || len(pending) != 1 || pending[0].UserID != evil.ID {
		t.Fatalf("pending agents: %+v %v", pending, err)
	}
	if _, err := account.NormalizeDomain("javascript:alert(1)"); err == nil {
		t.Error("a non-domain accepted")
	}
}

// A live reset link is a password: it never reaches the log, and the
// outbox shows admins that it was sent, not the link itself (issue 18).
func TestResetLinksStaySecret(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "secretive@example.org")
	var logs strings.Builder
	ml := &account.Mailer{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	var token string
	if err := account.RequestReset(ctx, db, ml, "secretive@example.org", func(tok string) string { token = tok; return "https://x/compte/reinitialiser?jeton=" + tok }); err != nil {
		t.Fatal(err)
	}
	if token == "" || strings.Contains(logs.String(), token) || !strings.Contains(logs.String(), "outbox") {
		t.Errorf("the reset token reached the log:\n%s", logs.String())
	}
	box, _, err := account.Outbox(ctx, db, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range box {
		if strings.Contains(e.Message.Body, token) {
			t.Errorf("the outbox shows the live link: %q", e.Message.Body)
		}
		if e.Message.To == "secretive@example.org" {
			found = true
			if !strings.Contains(e.Message.Body, "masqué") {
				t.Errorf("the outbox must say a link was sent and hidden: %q", e.Message.Body)
			}
		}
	}
	if !found {
		t.Error("the reset mail is not in the outbox")
	}
}

// Asking for a reset answers the same, in the same time, whether or not
// the address has an account and however often it was asked (issue 18).
func TestResetRevealsNoAccount(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "known-reset@example.org")
	ml := &account.Mailer{}
	link := func(tok string) string { return tok }
	for _, email := range []string{"known-reset@example.org", "unknown-reset@example.org"} {
		for i := 0; i < 6; i++ {
			start := time.Now()
			err := account.RequestReset(ctx, db, ml, email, link)
			if err != nil {
				t.Fatalf("%s, request %d: %v (the same answer for everyone)", email, i+1, err)
			}
			if took := time.Since(start); took < account.ResetFloor {
				t.Errorf("%s, request %d answered in %v, under the floor of %v that hides the work done", email, i+1, took, account.ResetFloor)
			}
		}
	}
	var sent int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'known-reset@example.org'`).Scan(&sent); err != nil || sent != 3 {
		t.Errorf("%d reset mails sent for 6 requests, want the 3 an hour allows (%v)", sent, err)
	}
}

// Ten reset requests at once for one account: the limit of three an hour
// holds, decided under the account's row lock.
func TestResetLimitHoldsUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "reset-racer@example.org")
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := account.RequestReset(ctx, db, &account.Mailer{}, "reset-racer@example.org", func(tok string) string { return tok }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var sent int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'reset-racer@example.org'`).Scan(&sent); err != nil || sent != 3 {
		t.Errorf("10 concurrent reset requests sent %d mails, want 3 (%v)", sent, err)
	}
}

// Many people behind one address (a proxy, a school) log in all day: their
// successes never add up to a block of the address.
func TestSuccessfulLoginsDoNotBlockAnAddress(t *testing.T) {
	ctx := context.Background()
	mustCreate(t, "busy-proxy@example.org")
	for i := 0; i < account.MaxIPFailures+5; i++ {
		if _, err := account.Authenticate(ctx, db, "busy-proxy@example.org", "correct horse battery", "192.0.2.240"); err != nil {
			t.Fatalf("login %d from a busy address: %v", i+1, err)
		}
	}
}
