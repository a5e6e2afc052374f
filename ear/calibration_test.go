package ear

import (
	"os"
	"testing"

	"github.com/clearance-oss/clearance/match/eval"
)

// TestCertaintyCalibration measures, on the matcher's evaluation sets over
// the real snapshot, what CertainScore trades: generated spelling variants
// of listed names that stay certain (recall) against near-miss companies
// (similar but different names) and unlisted real names that would be
// treated as the listed party (false positives). Run with -v to see the
// curve; docs/ear.md quotes it. It takes about a minute on two cores, so it
// runs only when EAR_CALIBRATE=1:
//
//	EAR_CALIBRATE=1 go test ./ear -run TestCertaintyCalibration -v
func TestCertaintyCalibration(t *testing.T) {
	if os.Getenv("EAR_CALIBRATE") == "" {
		t.Skip("set EAR_CALIBRATE=1 to measure (about a minute)")
	}
	e, _ := realEngine(t)
	ix := e.ix
	sets, err := eval.PublicSets(ix)
	if err != nil {
		t.Fatal(err)
	}
	sets = append(sets, eval.GeneratedSets(ix, 1)...)
	var runs []*eval.Run
	for _, s := range sets {
		runs = append(runs, eval.Collect(ix, s))
	}
	for _, s := range eval.Curve(runs, 0.80, 1.0, 0.02) {
		t.Logf("score >= %.2f: variant recall %.3f, near-miss FP %.4f, unlisted FP %.4f", s.Threshold, s.VariantRecall, s.NearMissFPRate, s.UnlistedFPRate)
	}
	atCertain := eval.Summarize(runs, CertainScore)
	t.Logf("at CertainScore %.2f: variant recall %.3f, near-miss FP %.4f, unlisted FP %.4f", CertainScore, atCertain.VariantRecall, atCertain.NearMissFPRate, atCertain.UnlistedFPRate)
	// At certainty a different (near-miss) company must rarely be taken for
	// the listed one; what falls between threshold and certainty is REVIEW.
	if atCertain.NearMissFPRate > 0.05 || atCertain.UnlistedFPRate > 0.01 {
		t.Errorf("at %.2f: near-miss FP %.4f, unlisted FP %.4f", CertainScore, atCertain.NearMissFPRate, atCertain.UnlistedFPRate)
	}
}
