package directory_test

import (
	"testing"

	"github.com/civiscope/civiscope/directory"
)

func TestClipKeepsWholeCharacters(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"éé", 3, "é"}, {"éé", 1, ""}, {"aé", 2, "a"}} {
		if got := directory.Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
