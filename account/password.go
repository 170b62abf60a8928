package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/civiscope/civiscope"
)

// argon2id parameters: OWASP's second recommended set (19 MiB, 2 passes, 1
// lane), about 30 ms per hash on the 2-core CI machine. They are written in
// each hash, so raising them later keeps old hashes verifiable.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Password limits. The upper bound keeps a megabyte "password" from costing
// the server a hash of that size.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 200
)

// CheckPassword says why a new password is refused, as a field error
// "password" with its rule, or nil when it is fine.
func CheckPassword(pw, email string) *civiscope.FieldError {
	var fe civiscope.FieldError
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		fe = civiscope.Field("password", "too_short", civiscope.Params{"length": n, "min": MinPasswordLen},
			"is too short (%d characters, at least %d)", n, MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		fe = civiscope.Field("password", "too_long", civiscope.Params{"length": n, "max": MaxPasswordLen},
			"is too long (at most %d characters)", MaxPasswordLen)
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), email):
		fe = civiscope.Field("password", "password_is_email", nil, "must not be your email address")
	default:
		return nil
	}
	return &fe
}

// HashPassword returns the PHC string of pw: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC string hash. A malformed
// hash never matches.
func VerifyPassword(hash, pw string) bool {
	if len(pw) > MaxPasswordLen {
		return false
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || mem > 1<<20 || t == 0 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// GeneratePassword returns a random password of 20 URL-safe characters,
// for `civiscope users create` when none is given.
func GeneratePassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
