package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/account"
)

func TestUsersCreateAdmin(t *testing.T) {
	ctx := context.Background()
	a, out, errb := testApp("127.0.0.1:0")
	if code := a.Main(ctx, []string{"users", "create", "--admin", "Boss@Example.org"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out.String())
	if !strings.Contains(out.String(), "created admin account") || m == nil {
		t.Fatalf("output: %q", out.String())
	}
	u, err := account.Authenticate(ctx, db, "boss@example.org", m[1], "127.0.0.1")
	if err != nil || !u.IsAdmin() {
		t.Fatalf("the printed password must log the admin in: %+v %v", u, err)
	}

	// From stdin, and a clear error for a duplicate or a bad address.
	a, out, errb = testApp("127.0.0.1:0")
	if err := createUser(ctx, a, []string{"--moderator", "mod@example.org", "--password-stdin"}, strings.NewReader("a chosen passphrase\n")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "password:") {
		t.Error("a password read from stdin must not be printed")
	}
	if _, err := account.Authenticate(ctx, db, "mod@example.org", "a chosen passphrase", "127.0.0.1"); err != nil {
		t.Fatalf("stdin password: %v", err)
	}
	a, _, errb = testApp("127.0.0.1:0")
	if code := a.Main(ctx, []string{"users", "create", "--admin", "boss@example.org"}); code != 1 || !strings.Contains(errb.String(), "already") {
		t.Fatalf("duplicate: exit %d, %q", code, errb.String())
	}
	a, _, errb = testApp("127.0.0.1:0")
	if code := a.Main(ctx, []string{"users", "create", "not-an-address"}); code != 1 || !strings.Contains(errb.String(), "email") {
		t.Fatalf("bad address: exit %d, %q", code, errb.String())
	}
	if code := a.Main(ctx, []string{"users", "create"}); code != 2 {
		t.Fatalf("no address: exit %d", code)
	}
	if err := createUser(ctx, a, []string{"weak@example.org", "--password-stdin"}, strings.NewReader("short\n")); err == nil {
		t.Fatal("a weak password from stdin was accepted")
	}
}

func TestUsersRoleAndDelete(t *testing.T) {
	ctx := context.Background()
	a, out, errb := testApp("127.0.0.1:0")
	if code := a.Main(ctx, []string{"users", "create", "promoted@example.org"}); code != 0 {
		t.Fatalf("create: %s", errb.String())
	}
	if code := a.Main(ctx, []string{"users", "role", "promoted@example.org", "moderator"}); code != 0 || !strings.Contains(out.String(), "is now moderator") {
		t.Fatalf("role: exit %d %q %q", code, out.String(), errb.String())
	}
	u, err := account.ByEmail(ctx, db, "promoted@example.org")
	if err != nil || !u.CanModerate() {
		t.Fatalf("after role: %+v %v", u, err)
	}
	if code := a.Main(ctx, []string{"users", "role", "promoted@example.org", "emperor"}); code != 1 || !strings.Contains(errb.String(), "unknown role") {
		t.Fatalf("bad role: exit %d %q", code, errb.String())
	}
	if code := a.Main(ctx, []string{"users", "delete", "promoted@example.org"}); code != 0 {
		t.Fatalf("delete: %s", errb.String())
	}
	if got, _ := account.Get(ctx, db, u.ID); !got.Deleted() {
		t.Fatal("not erased")
	}
	if code := a.Main(ctx, []string{"users", "delete", "promoted@example.org"}); code != 1 {
		t.Fatalf("deleting an unknown address: exit %d", code)
	}
}

func TestModerationQueueFindingsUsage(t *testing.T) {
	ctx := context.Background()
	a, _, errb := testApp("127.0.0.1:0")
	if code := a.Main(ctx, []string{"moderation", "queue-findings"}); code != 2 {
		t.Fatalf("no run: exit %d", code)
	}
	if code := a.Main(ctx, []string{"moderation", "queue-findings", "999999"}); code != 1 || errb.String() == "" {
		t.Fatalf("unknown run: exit %d %q", code, errb.String())
	}
}
