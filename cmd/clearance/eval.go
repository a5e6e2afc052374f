package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/match/eval"
)

func init() {
	register("eval", "measure the matcher: precision, recall, F1, false positives per labelled set", runEval)
}

// runEval prints the matcher's metrics on the public labelled sets and the
// variants generated from the embedded lists, at one threshold, and with
// --curve the summary at every threshold from 0.60 to 0.95.
func runEval(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "eval", "[--threshold T] [--curve] [--misses [--max-misses N]] [--seed N] [--set NAME]")
	threshold := fs.Float64("threshold", match.DefaultThreshold, "score at or above which a match is reported")
	curve := fs.Bool("curve", false, "also print recall and false-positive rates at thresholds 0.60 to 0.95")
	misses := fs.Bool("misses", false, "print failed cases (up to --max-misses per set)")
	maxMisses := fs.Int("max-misses", 8, "with --misses: how many failed cases to print per set")
	seed := fs.Uint64("seed", 1, "seed of the generated variant sets")
	only := fs.String("set", "", "only sets whose name contains this text")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *threshold < 0.5 || *threshold > 1 {
		return fmt.Errorf("%w: --threshold %.2f: want 0.5 to 1", errUsage, *threshold)
	}
	snap, err := snapshot.Default()
	if err != nil {
		return err
	}
	start := time.Now()
	ix := match.NewIndex(snap.Entities)
	built := time.Since(start)
	sets, err := eval.PublicSets(ix)
	if err != nil {
		return err
	}
	sets = append(sets, eval.GeneratedSets(ix, *seed)...)
	var runs []*eval.Run
	var results []eval.Result
	for _, s := range sets {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if *only != "" && !strings.Contains(s.Name, *only) {
			continue
		}
		r := eval.Collect(ix, s)
		r.MaxMisses = max(*maxMisses, 1)
		runs = append(runs, r)
		results = append(results, r.At(*threshold))
	}
	fmt.Fprintf(env.Stdout, "snapshot %s: %d entries, index built in %v; threshold %.2f, seed %d\n\n",
		snap.Version, len(snap.Entities), built.Round(time.Millisecond), *threshold, *seed)
	fmt.Fprint(env.Stdout, eval.Table(results))
	for i, r := range results {
		if runs[i].Set.Skipped > 0 {
			fmt.Fprintf(env.Stdout, "(%s: %d source rows skipped: %s)\n", r.Set, runs[i].Set.Skipped, "the listed name is not in the snapshot")
		}
	}
	for i, r := range results {
		if runs[i].Set.Name != eval.SetListsOriginal {
			continue
		}
		found := runs[i].Found(*threshold, eval.ScriptOfCase)
		var parts []string
		for _, script := range []string{"arabic", "cyrillic", "han", "hangul", "other"} {
			if n, ok := found[script]; ok {
				parts = append(parts, fmt.Sprintf("%s %d/%d", script, n[0], n[1]))
			}
		}
		fmt.Fprintf(env.Stdout, "(%s found by script: %s)\n", r.Set, strings.Join(parts, ", "))
	}
	if *misses {
		for _, r := range results {
			for _, m := range r.Misses {
				fmt.Fprintf(env.Stdout, "  %s: %s\n", r.Set, m)
			}
		}
	}
	s := eval.Summarize(runs, *threshold)
	fmt.Fprintf(env.Stdout, "\nsummary: variant recall %.4f, top-1 %.4f; FP rate unlisted %.4f, near-miss %.4f; name bench F1 %.3f; cross-script found %.3f\n",
		s.VariantRecall, s.VariantTop1, s.UnlistedFPRate, s.NearMissFPRate, s.NameBenchF1, s.CrossScriptFound)
	if *curve {
		fmt.Fprintf(env.Stdout, "\n%-9s %8s %8s %12s %12s %9s %12s\n", "threshold", "recall", "top-1", "FP unlisted", "FP near-miss", "bench F1", "cross-script")
		for _, c := range eval.Curve(runs, 0.60, 0.95, 0.01) {
			fmt.Fprintf(env.Stdout, "%-9.2f %8.4f %8.4f %12.4f %12.4f %9.3f %12.3f\n", c.Threshold, c.VariantRecall, c.VariantTop1,
				c.UnlistedFPRate, c.NearMissFPRate, c.NameBenchF1, c.CrossScriptFound)
		}
	}
	return nil
}
