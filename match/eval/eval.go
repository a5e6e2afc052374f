// Package eval measures the matcher: precision, recall, F1, top-1 rate and
// false-positive rate on public labelled sets (copied into testdata with
// their provenance) and on variants it generates, with a fixed seed, from
// the shipped lists for each real-world phenomenon the matcher must handle.
//
// Three kinds of set are measured:
//
//   - Pair sets (the OpenSanctions name bench, the watchman cross-script
//     pairs) score a query against one given name with Index.Compare and
//     compare the decision (score ≥ threshold) with the label.
//   - Positive search sets search the whole index; a case is found when an
//     expected entity scores at or above the threshold, and top-1 when no
//     other entity scores higher.
//   - Negative search sets (unlisted real names; near-miss companies) count a
//     false positive when a match is reported: any match for unlisted names,
//     the source entity for a near-miss.
//
// Scores are collected once per case; metrics at any threshold come from
// them, which is how the precision/recall curve in docs/matching.md is made.
package eval

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// Kind says how a set is measured.
type Kind string

// Set kinds.
const (
	Pairs    Kind = "pairs"    // labelled name pairs, scored with Index.Compare
	Positive Kind = "positive" // queries that must find an expected entity
	Negative Kind = "negative" // queries that must not match (unlisted or near-miss)
)

// Case is one query of a set.
type Case struct {
	Query match.Query
	// Pair sets: the other name, its type, and the label.
	Listed        string
	ListedAliases []string // more names of the listed side, if any
	ListedType    clearance.EntityType
	Match         bool
	// Positive sets: the entities any of which counts as found. Negative
	// near-miss sets: the entity that must not be matched (empty: any
	// match is a false positive).
	Expect []string
	Note   string // what was varied, for reports
}

// Set is a named collection of cases.
type Set struct {
	Name        string
	Description string
	Kind        Kind
	Cases       []Case
	Skipped     int // source rows left out, e.g. a positive whose listed name is not in the lists
}

// scored is what one case produced, enough to evaluate it at any threshold.
type scored struct {
	expect float64 // pair: the pair's score; positive: best score of an expected entity; near-miss: the source entity's score
	other  float64 // best score of any entity not expected
	top    string  // the best match, for reports
}

// Run holds the scores of one set's cases.
type Run struct {
	Set *Set
	// MaxMisses is how many failed cases At lists (0: 8).
	MaxMisses int
	scores    []scored
}

// floor is the lowest threshold runs are collected for: metrics below it are
// not available.
const floor = 0.5

// Collect scores every case of s against ix.
func Collect(ix *match.Index, s *Set) *Run {
	r := &Run{Set: s, scores: make([]scored, len(s.Cases))}
	for i, c := range s.Cases {
		sc := &r.scores[i]
		if s.Kind == Pairs {
			m := ix.Compare(c.Query, clearance.Entity{ID: "pair", Name: c.Listed, Aliases: c.ListedAliases, Type: c.ListedType})
			sc.expect = m.Score
			continue
		}
		q := c.Query
		q.Threshold, q.Limit = floor, -1
		for _, m := range ix.Search(q) {
			if slices.Contains(c.Expect, m.EntityID) {
				sc.expect = max(sc.expect, m.Score)
			} else if m.Score > sc.other {
				sc.other = m.Score
				sc.top = fmt.Sprintf("%s %q via %q %.2f", m.EntityID, m.Name, m.MatchedName, m.Score)
			}
		}
	}
	return r
}

// Result is a set's metrics at one threshold. For pair sets all four cells
// are filled; positive sets have TP and FN (and Top1); negative sets FP and
// TN.
type Result struct {
	Set       string
	Kind      Kind
	Threshold float64
	N         int
	TP        int
	FP        int
	TN        int
	FN        int
	Top1      int
	Misses    []string // a few failed cases, for reports
}

// Precision is TP / (TP + FP), or 1 with no positive decision.
func (r Result) Precision() float64 { return ratio(r.TP, r.TP+r.FP, 1) }

// Recall is TP / (TP + FN), or 1 with no positive case.
func (r Result) Recall() float64 { return ratio(r.TP, r.TP+r.FN, 1) }

// F1 is the harmonic mean of precision and recall.
func (r Result) F1() float64 {
	p, q := r.Precision(), r.Recall()
	if p+q == 0 {
		return 0
	}
	return 2 * p * q / (p + q)
}

// FPRate is FP / (FP + TN), or 0 with no negative case.
func (r Result) FPRate() float64 { return ratio(r.FP, r.FP+r.TN, 0) }

// Top1Rate is the share of positive cases whose expected entity ranked first.
func (r Result) Top1Rate() float64 { return ratio(r.Top1, r.TP+r.FN, 1) }

func ratio(a, b int, empty float64) float64 {
	if b == 0 {
		return empty
	}
	return float64(a) / float64(b)
}

// At evaluates the run at threshold t (t ≥ 0.5).
func (r *Run) At(t float64) Result {
	res := Result{Set: r.Set.Name, Kind: r.Set.Kind, Threshold: t, N: len(r.scores)}
	miss := func(c Case, sc scored, why string) {
		limit := r.MaxMisses
		if limit == 0 {
			limit = 8
		}
		if len(res.Misses) < limit {
			s := fmt.Sprintf("%q: %s", c.Query.Name, why)
			if c.Note != "" {
				s += " [" + c.Note + "]"
			}
			res.Misses = append(res.Misses, s)
		}
	}
	for i, c := range r.Set.Cases {
		sc := r.scores[i]
		switch r.Set.Kind {
		case Pairs:
			hit := sc.expect >= t
			switch {
			case hit && c.Match:
				res.TP++
			case hit:
				res.FP++
				miss(c, sc, fmt.Sprintf("false match with %q at %.2f", c.Listed, sc.expect))
			case c.Match:
				res.FN++
				miss(c, sc, fmt.Sprintf("missed %q at %.2f", c.Listed, sc.expect))
			default:
				res.TN++
			}
		case Positive:
			if sc.expect >= t {
				res.TP++
				if sc.expect >= sc.other {
					res.Top1++
				}
			} else {
				res.FN++
				why := fmt.Sprintf("missed %v (best score %.2f)", c.Expect, sc.expect)
				if sc.top != "" {
					why += "; best other " + sc.top
				}
				miss(c, sc, why)
			}
		case Negative:
			s := sc.other
			if len(c.Expect) > 0 {
				s = sc.expect
			}
			if s >= t {
				res.FP++
				why := fmt.Sprintf("matched at %.2f", s)
				if len(c.Expect) == 0 {
					why += ": " + sc.top
				} else {
					why += ": " + strings.Join(c.Expect, ",")
				}
				miss(c, sc, why)
			} else {
				res.TN++
			}
		}
	}
	return res
}

// Found counts, per group of cases (group names a case's group, "" to
// leave it out), how many were found at threshold t and how many there
// are: a pair scored at or above t, a positive whose expected entity did.
func (r *Run) Found(t float64, group func(Case) string) map[string][2]int {
	out := map[string][2]int{}
	for i, c := range r.Set.Cases {
		g := group(c)
		if g == "" {
			continue
		}
		n := out[g]
		if r.scores[i].expect >= t {
			n[0]++
		}
		n[1]++
		out[g] = n
	}
	return out
}

// Table formats results as a fixed-width table for a terminal.
func Table(results []Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-26s %-8s %5s %6s %6s %6s %6s %6s\n", "set", "kind", "n", "prec", "recall", "F1", "top1", "FPrate")
	for _, r := range results {
		switch r.Kind {
		case Pairs:
			fmt.Fprintf(&b, "%-26s %-8s %5d %6.3f %6.3f %6.3f %6s %6.3f\n", r.Set, r.Kind, r.N, r.Precision(), r.Recall(), r.F1(), "-", r.FPRate())
		case Positive:
			fmt.Fprintf(&b, "%-26s %-8s %5d %6s %6.3f %6s %6.3f %6s\n", r.Set, r.Kind, r.N, "-", r.Recall(), "-", r.Top1Rate(), "-")
		case Negative:
			fmt.Fprintf(&b, "%-26s %-8s %5d %6s %6s %6s %6s %6.3f\n", r.Set, r.Kind, r.N, "-", "-", "-", "-", r.FPRate())
		}
	}
	return b.String()
}

// Summary pools the generated positive sets and the negative sets at one
// threshold: overall recall and top-1 on realistic variants, and the
// false-positive rates on unlisted names and on near-miss companies.
type Summary struct {
	Threshold        float64
	VariantRecall    float64
	VariantTop1      float64
	UnlistedFPRate   float64
	NearMissFPRate   float64
	NameBenchF1      float64
	CrossScriptFound float64
}

// Summarize computes a Summary at t from runs of the standard sets (by
// name: see PublicSets and GeneratedSets).
func Summarize(runs []*Run, t float64) Summary {
	s := Summary{Threshold: t}
	var pos, unl, near Result
	for _, r := range runs {
		res := r.At(t)
		switch {
		case r.Set.Name == SetNameBench:
			s.NameBenchF1 = res.F1()
		case r.Set.Name == SetCrossScript:
			s.CrossScriptFound = res.Recall()
		case strings.HasPrefix(r.Set.Name, "gen/") && r.Set.Kind == Positive:
			pos.TP += res.TP
			pos.FN += res.FN
			pos.Top1 += res.Top1
		case r.Set.Name == SetNearMiss:
			near.FP += res.FP
			near.TN += res.TN
		case r.Set.Kind == Negative:
			unl.FP += res.FP
			unl.TN += res.TN
		}
	}
	s.VariantRecall, s.VariantTop1 = pos.Recall(), pos.Top1Rate()
	s.UnlistedFPRate, s.NearMissFPRate = unl.FPRate(), near.FPRate()
	return s
}

// Curve evaluates the summary at thresholds from lo to hi by step.
func Curve(runs []*Run, lo, hi, step float64) []Summary {
	var out []Summary
	for t := lo; t <= hi+1e-9; t += step {
		out = append(out, Summarize(runs, float64(int(t*100+0.5))/100))
	}
	return out
}

// sortedKeys returns a map's keys in order, for deterministic generation.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
