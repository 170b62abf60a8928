package server

import (
	"strconv"

	"github.com/civiscope/civiscope"
)

// Year reads a year from a URL path. Something that is not a number names
// no page (ENOTFOUND); a number beyond four digits is the user's mistake
// (EINVALID), caught here before any store sees a value beyond its integer
// type.
func Year(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, civiscope.Ruled(civiscope.ENOTFOUND, "not_a_year", civiscope.Params{"value": s}, "%q is not a year", s)
		}
	}
	if s == "" {
		return 0, civiscope.Errorf(civiscope.ENOTFOUND, "no year given")
	}
	if len(s) > 4 {
		return 0, civiscope.Errorf(civiscope.EINVALID, "year %.20s is out of range: a year has at most four digits", s)
	}
	y, _ := strconv.Atoi(s)
	return y, nil
}
