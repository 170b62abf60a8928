package barometer

import (
	"context"

	"github.com/civiscope/civiscope/postgres"
)

// SynthAnswers lends the synthetic answer generator to the benchmarks of
// the external test package (which may import web).
var SynthAnswers = synthAnswers

// StatusDigest fingerprints which figures results hide (pinned_test.go).
var StatusDigest = statusDigest

// NewReportsOfScheme is NewReports for a binary whose protection differs.
func NewReportsOfScheme(db postgres.Querier, scheme string) *Reports {
	r := NewReports(db)
	r.scheme = scheme
	return r
}

// ComputeWith computes and stores edition's results as results does,
// running between after the claim and before the protection reads
// anything. It reports whether the results were kept.
func (r *Reports) ComputeWith(ctx context.Context, year int, between func()) (bool, error) {
	e, err := publishedEdition(ctx, r.db, year)
	if err != nil {
		return false, err
	}
	claim, err := r.claim(ctx, e.ID)
	if err != nil {
		return false, err
	}
	between()
	both, err := r.protect(ctx, year)
	if err != nil {
		return false, err
	}
	return r.store(ctx, e.ID, claim, both[0], both[1])
}
