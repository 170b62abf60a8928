package barometer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
)

// statusDigest fingerprints which figures a protection hides, and why:
// the status of every cell, base and numeric summary, in order.
func statusDigest(res *Results) string {
	h := sha256.New()
	for _, t := range res.Tables {
		fmt.Fprintf(h, "%s/%s:", t.Question, t.Dimension)
		for i, l := range t.Cells {
			fmt.Fprintf(h, "%s;", t.Bases[i].Status)
			for _, c := range l {
				fmt.Fprintf(h, "%s,", c.Status)
			}
		}
	}
	for _, n := range res.Numerics {
		fmt.Fprintf(h, "%s/%s:", n.Question, n.Dimension)
		for _, s := range n.Stats {
			fmt.Fprintf(h, "%t %s,", s.NShown, s.Status)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// TestProtectionIsPinned: making the protection faster must not change
// what it hides. The digests are those of the dense implementation that
// the auditor checked (before issue 16's large editions); a change that
// hides other cells must say why it is as safe, and update them.
func TestProtectionIsPinned(t *testing.T) {
	for _, c := range []struct {
		n                 int
		seed              uint64
		full, linear, nvu string
	}{
		{120, 9, "3449bb9c091b1159", "41aac8dde7e842b3", "2a79a84bd2449d60"},
		{300, 42, "b6a534caa7256249", "6f6f45f1b61396a7", "9a57dfa1ecdaf3d8"},
		{1500, 5, "2b4217801aa5f233", "4d5dceffd7383829", "334aa1816332cbdc"},
	} {
		set := syntheticEdition(t, c.n, c.seed)
		for _, v := range []struct {
			name, want string
			opts       Options
		}{{"full", c.full, Options{}}, {"linear only", c.linear, Options{linearOnly: true}}, {"no value unguarded", c.nvu, Options{noValueUnguarded: true}}} {
			res, err := Tabulate(set, v.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := statusDigest(res); got != v.want {
				t.Errorf("%d responses (seed %d), %s: digest %s, want %s", c.n, c.seed, v.name, got, v.want)
			}
		}
	}
}

// BenchmarkTabulateSynthetic protects a 30,000-response synthetic edition
// in both languages, without the database (see BenchmarkLargeEdition for
// the whole page).
func BenchmarkTabulateSynthetic(b *testing.B) {
	set := syntheticEdition(b, 30000, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := TabulateIn(set, Options{}, "fr", "en"); err != nil {
			b.Fatal(err)
		}
	}
}
