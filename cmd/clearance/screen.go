package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/batch"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"golang.org/x/term"
)

func init() {
	register("screen", "screen a name, or a CSV/XLSX file of parties, against the restricted-party lists", runScreen)
}

// defaultNameLimit is the most matches shown for one name; a file uses
// batch.DefaultLimit.
const defaultNameLimit = 10

// screenFlags are the options of `clearance screen`.
type screenFlags struct {
	json      bool
	explain   bool
	threshold float64
	limit     int
	lists     string
	typ       string
	country   string
	asOf      string
	input     string
	output    string
	workers   int
}

func runScreen(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "screen", "NAME | --input FILE --output FILE")
	var f screenFlags
	fs.BoolVar(&f.json, "json", false, "print the result as JSON (query, snapshot and matches with entity details)")
	fs.BoolVar(&f.explain, "explain", false, "show which words aligned with which, and why each match scored as it did")
	fs.Float64Var(&f.threshold, "threshold", match.DefaultThreshold, "report matches scoring at or above this (0 < t <= 1)")
	fs.IntVar(&f.limit, "limit", 0, fmt.Sprintf("most matches per name (default %d for a name, %d per row of a file; -1 for no limit)", defaultNameLimit, batch.DefaultLimit))
	fs.StringVar(&f.lists, "lists", "", "screen against these lists only, comma-separated (e.g. EL,SDN; default all)")
	fs.StringVar(&f.typ, "type", "", "the party is a person, entity, vessel or aircraft (weak evidence for the score)")
	fs.StringVar(&f.country, "country", "", "the party's country, ISO 3166-1 alpha-2 (e.g. CN; weak evidence for the score)")
	fs.StringVar(&f.asOf, "as-of", "", "screen against the entries in force on this date (YYYY-MM-DD)")
	fs.StringVar(&f.input, "input", "", "screen every row of this file (.csv or .xlsx with columns id, name, optional type and country)")
	fs.StringVar(&f.output, "output", "", "write the file's results here (.jsonl, .csv or .xlsx, by extension)")
	fs.IntVar(&f.workers, "workers", 0, "screening goroutines for a file (default: one per CPU)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if f.threshold <= 0 || f.threshold > 1 || math.IsNaN(f.threshold) {
		return fmt.Errorf("%w: --threshold %v: want a score above 0 and at most 1", errUsage, f.threshold)
	}
	listCodes, err := clearance.ParseListCodes(f.lists)
	if err != nil {
		return fmt.Errorf("%w: --lists: %v", errUsage, err)
	}
	if f.asOf != "" {
		if _, err := time.Parse(time.DateOnly, f.asOf); err != nil {
			return fmt.Errorf("%w: --as-of %q: want a date YYYY-MM-DD", errUsage, f.asOf)
		}
	}
	if f.input != "" || f.output != "" {
		return screenFile(ctx, env, f, pos, listCodes)
	}
	return screenName(env, f, pos, listCodes)
}

// screenIndex is the matcher's index over the embedded default snapshot,
// built once (a few seconds) and shared by every screen in the process.
var screenIndex = sync.OnceValues(func() (*match.Index, error) {
	s, err := snapshot.Default()
	if err != nil {
		return nil, err
	}
	return match.NewIndex(s.Entities), nil
})

// loadScreenIndex returns the index and the snapshot it was built from.
func loadScreenIndex() (*match.Index, *snapshot.Snapshot, error) {
	ix, err := screenIndex()
	if err != nil {
		return nil, nil, err
	}
	s, err := snapshot.Default() // decoded once; the same value the index holds
	return ix, s, err
}

// screenResult is the --json output for one name.
type screenResult struct {
	Query    screenQuery   `json:"query"`
	Snapshot string        `json:"snapshot"` // version of the list snapshot screened against
	Entries  int           `json:"entries"`  // entries in the snapshot (before --lists)
	Matches  []screenMatch `json:"matches"`  // best first; [] when none
}

type screenQuery struct {
	Name      string               `json:"name"`
	Type      clearance.EntityType `json:"type,omitempty"`
	Country   string               `json:"country,omitempty"`
	Lists     []clearance.ListCode `json:"lists,omitempty"`
	Threshold float64              `json:"threshold"`
	Limit     int                  `json:"limit"`
	AsOf      string               `json:"as_of,omitempty"`
}

// screenMatch is a match with the full listed entity (clearance.Match leaves
// its Entity out of JSON).
type screenMatch struct {
	clearance.Match
	Entity *clearance.Entity `json:"entity"`
}

func screenName(env *Env, f screenFlags, pos []string, listCodes []clearance.ListCode) error {
	name := strings.TrimSpace(strings.Join(pos, " "))
	if name == "" {
		return fmt.Errorf("%w: give a name to screen, or --input FILE --output FILE", errUsage)
	}
	if f.workers != 0 {
		return fmt.Errorf("%w: --workers applies to --input files only", errUsage)
	}
	q := match.Query{Name: name, Lists: listCodes, Threshold: f.threshold, Limit: f.limit, AsOf: f.asOf,
		Explain: true} // always: the table's reason column is the explanation's summary
	if q.Limit == 0 {
		q.Limit = defaultNameLimit
	}
	if f.typ != "" {
		t, err := batch.ParseType(f.typ)
		if err != nil {
			return fmt.Errorf("%w: --type: %v", errUsage, err)
		}
		q.Type = t
	}
	if f.country != "" {
		c, err := batch.ParseCountry(f.country)
		if err != nil {
			return fmt.Errorf("%w: --country: %v", errUsage, err)
		}
		q.Country = c
	}
	ix, snap, err := loadScreenIndex()
	if err != nil {
		return err
	}
	matches := ix.Search(q)

	if f.json {
		res := screenResult{
			Query:    screenQuery{Name: name, Type: q.Type, Country: q.Country, Lists: listCodes, Threshold: q.Threshold, Limit: q.Limit, AsOf: q.AsOf},
			Snapshot: snap.Version, Entries: ix.Len(), Matches: make([]screenMatch, 0, len(matches)),
		}
		for _, m := range matches {
			res.Matches = append(res.Matches, screenMatch{Match: m, Entity: m.Entity})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	if len(matches) == 0 {
		scope := fmt.Sprintf("%d entries", ix.Len())
		if len(listCodes) > 0 {
			scope = fmt.Sprintf("%d entries (lists %s)", screenCountIn(ix, listCodes), screenJoinCodes(listCodes))
		}
		fmt.Fprintf(env.Stdout, "No matches at threshold %.2f among %s (snapshot %s).\n", q.Threshold, scope, snap.Version)
		return nil
	}
	printScreenTable(env.Stdout, matches)
	if f.explain {
		printScreenExplanations(env.Stdout, matches)
	}
	fmt.Fprintf(env.Stdout, "\n%d match(es) at threshold %.2f among %d entries (snapshot %s).\n", len(matches), q.Threshold, ix.Len(), snap.Version)
	return nil
}

func screenCountIn(ix *match.Index, codes []clearance.ListCode) int {
	n := 0
	for i := range ix.Entities() {
		for _, c := range codes {
			if ix.Entities()[i].List == c {
				n++
				break
			}
		}
	}
	return n
}

func screenJoinCodes(codes []clearance.ListCode) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

// screenClip shortens s to n runes for the table; --json has the full text.
func screenClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// printScreenTable prints one line per match: list, primary name, the name or
// alias that matched, score, the entity's countries and a one-line reason.
func printScreenTable(w io.Writer, matches []clearance.Match) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tLIST\tNAME\tMATCHED\tSCORE\tCOUNTRY\tREASON")
	for i, m := range matches {
		matched := screenClip(m.MatchedName, 40)
		if m.Alias {
			matched = "alias: " + matched
		} else if m.MatchedName == m.Name {
			matched = "(primary name)"
		}
		var country, reason string
		if m.Entity != nil {
			country = strings.Join(m.Entity.Countries, ",")
		}
		if m.Explanation != nil {
			reason = m.Explanation.Summary
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.2f\t%s\t%s\n", i+1, m.List, screenClip(m.Name, 60), matched, m.Score, screenClip(country, 12), screenClip(reason, 90))
	}
	tw.Flush()
}

// printScreenExplanations shows, per match, how the query's words aligned with
// the listed name's, which words were ignored and what adjusted the score.
func printScreenExplanations(w io.Writer, matches []clearance.Match) {
	for i, m := range matches {
		x := m.Explanation
		fmt.Fprintf(w, "\n%d. %s %s  (%s)  score %.2f\n", i+1, m.List, m.Name, m.EntityID, m.Score)
		if m.MatchedName != m.Name {
			fmt.Fprintf(w, "   matched alias: %s\n", m.MatchedName)
		}
		if x == nil {
			continue
		}
		fmt.Fprintf(w, "   query  %q\n   listed %q\n", x.Query, x.Listed)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "   \tQUERY WORD\tLISTED WORD\tKIND\tSIMILARITY\tWEIGHT\tCONTRIBUTION")
		for _, a := range x.Alignments {
			fmt.Fprintf(tw, "   \t%s\t%s\t%s\t%.2f\t%.2f\t%+.3f\n", screenDash(a.Query), screenDash(a.Listed), a.Kind, a.Similarity, a.Weight, a.Contribution)
		}
		tw.Flush()
		for _, ig := range x.Ignored {
			fmt.Fprintf(w, "   ignored %q: %s\n", ig.Token, ig.Reason)
		}
		fmt.Fprintf(w, "   name score %.2f\n", x.NameScore)
		for _, a := range x.Adjust {
			fmt.Fprintf(w, "   %+.2f %s: %s\n", a.Delta, a.Feature, a.Reason)
		}
		if x.Summary != "" {
			fmt.Fprintf(w, "   %s\n", x.Summary)
		}
	}
}

func screenDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// screenFile runs a batch: --input to --output through package batch.
func screenFile(ctx context.Context, env *Env, f screenFlags, pos []string, listCodes []clearance.ListCode) error {
	switch {
	case f.input == "" || f.output == "":
		return fmt.Errorf("%w: a file needs both --input FILE and --output FILE", errUsage)
	case len(pos) > 0:
		return fmt.Errorf("%w: give either a NAME or --input, not both (got %q)", errUsage, strings.Join(pos, " "))
	case f.json:
		return fmt.Errorf("%w: --json is for one name; a file's output format follows --output's extension (.jsonl, .csv, .xlsx)", errUsage)
	case f.typ != "" || f.country != "":
		return fmt.Errorf("%w: --type and --country are for one name; in a file they are the rows' type and country columns", errUsage)
	}
	// Fail on a bad extension before spending seconds on the index.
	if _, err := batch.FormatOf(f.output); err != nil {
		return fmt.Errorf("%w: --output %v", errUsage, err)
	}
	if _, err := batch.FormatOf(f.input); err != nil {
		return fmt.Errorf("%w: --input %v", errUsage, err)
	}
	opts := batch.Options{Threshold: f.threshold, Limit: f.limit, Lists: listCodes, Explain: f.explain, AsOf: f.asOf, Workers: f.workers}

	var bar *screenProgress
	if isTerminalWriter(env.Stderr) {
		// Counting first gives the bar a total and reports a bad row
		// before the screening starts; it costs a few percent.
		total, err := batch.CountRows(f.input)
		if err != nil {
			return err
		}
		bar = &screenProgress{w: env.Stderr, total: total, start: time.Now()}
	}
	ix, snap, err := loadScreenIndex()
	if err != nil {
		return err
	}
	var progress func(done, hits int)
	if bar != nil {
		bar.start = time.Now()
		progress = bar.update
	}
	stats, err := batch.ScreenFile(ctx, ix, f.input, f.output, opts, progress)
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		return fmt.Errorf("%w (no output written)", err)
	}
	fmt.Fprintf(env.Stderr, "%s; snapshot %s; results in %s\n", stats, snap.Version, filepath.Clean(f.output))
	return nil
}

// isTerminalWriter reports whether w is a terminal (the progress bar is drawn
// only there, never into a log file or pipe).
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// screenProgress draws "[#####.....] 45% 45000/100000 rows, 12 with hits,
// 2100 rows/s, 26s left" on one terminal line, at most ten times a second.
type screenProgress struct {
	w     io.Writer
	total int
	start time.Time
	last  time.Time
}

func (p *screenProgress) update(done, hits int) {
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && done != p.total {
		return
	}
	p.last = now
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = min(1, float64(done)/float64(p.total))
	}
	filled := int(frac * width)
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	left := ""
	if rate > 0 && done < p.total {
		left = fmt.Sprintf(", %s left", time.Duration(float64(p.total-done)/rate*float64(time.Second)).Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d rows, %d with hits, %.0f rows/s%s\033[K",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*frac, done, p.total, hits, rate, left)
}

func (p *screenProgress) clear() { fmt.Fprint(p.w, "\r\033[K") }
