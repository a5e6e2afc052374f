package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clearance-oss/clearance/ear"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
)

func init() {
	register("check", "license determination: does this shipment need a license, and why (EAR)", runCheck)
}

const checkSynopsis = `--eccn ECCN [--eccn ...] --to CC [--party NAME [--role ROLE] [--owner "NAME=PCT"]...]...
       [--end-use civil|military|military_intelligence|police] [--region crimea|dnr|lnr]
       [--date YYYY-MM-DD] [--value USD] [--description TEXT] [--json]
   or: clearance check --input requests.jsonl [--output decisions.jsonl]

--role and --owner apply to the --party before them. An --owner without
"=PCT" has an unknown share (Red Flag 29). In batch mode each input line is
one JSON request; each output line, in the same order, is the decision or
{"id", "line", "error"} for a line that is not a valid request; the exit
status is 1 when any line failed, else 0 whatever the decisions.`

// partyFlags collects --party, --role and --owner in command-line order so
// that --role and --owner attach to the party before them.
type partyFlags struct{ parties []ear.Party }

type partyValue struct{ pf *partyFlags }

func (v partyValue) String() string { return "" }
func (v partyValue) Set(s string) error {
	v.pf.parties = append(v.pf.parties, ear.Party{Name: s})
	return nil
}

type roleValue struct{ pf *partyFlags }

func (v roleValue) String() string { return "" }
func (v roleValue) Set(s string) error {
	if len(v.pf.parties) == 0 {
		return errors.New("--role must follow the --party it describes")
	}
	v.pf.parties[len(v.pf.parties)-1].Role = s
	return nil
}

type ownerValue struct{ pf *partyFlags }

func (v ownerValue) String() string { return "" }
func (v ownerValue) Set(s string) error {
	if len(v.pf.parties) == 0 {
		return errors.New("--owner must follow the --party it owns")
	}
	o := ear.Owner{Name: s}
	if i := strings.LastIndex(s, "="); i >= 0 {
		p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s[i+1:]), "%"), 64)
		if err != nil {
			return fmt.Errorf("--owner %q: percent after '=' is not a number", s)
		}
		o = ear.Owner{Name: strings.TrimSpace(s[:i]), Percent: &p}
	}
	p := &v.pf.parties[len(v.pf.parties)-1]
	p.Owners = append(p.Owners, o)
	return nil
}

type stringsValue []string

func (v *stringsValue) String() string     { return strings.Join(*v, ",") }
func (v *stringsValue) Set(s string) error { *v = append(*v, s); return nil }

func runCheck(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "check", checkSynopsis)
	var eccns stringsValue
	var pf partyFlags
	fs.Var(&eccns, "eccn", "item ECCN with paragraph (e.g. 5A992.c) or EAR99; repeatable")
	to := fs.String("to", "", "destination, ISO 3166-1 alpha-2 (HK is treated as CN)")
	fs.Var(partyValue{&pf}, "party", "party name to screen; repeatable")
	fs.Var(roleValue{&pf}, "role", "role of the preceding --party: purchaser, intermediate_consignee, ultimate_consignee, end_user")
	fs.Var(ownerValue{&pf}, "owner", `owner of the preceding --party, "NAME=PCT" (PCT omitted = unknown); repeatable`)
	endUse := fs.String("end-use", "", "end-user type: civil, military, military_intelligence, police")
	region := fs.String("region", "", "region of Ukraine under 15 CFR 746.6: crimea, dnr, lnr")
	date := fs.String("date", "", "date of the export, YYYY-MM-DD (default today, UTC)")
	value := fs.String("value", "", "order value in USD (for LVS)")
	desc := fs.String("description", "", "item description (read for carve-outs such as EAR99 food/medicine)")
	asJSON := fs.Bool("json", false, "print the decision as JSON")
	input := fs.String("input", "", "batch mode: JSONL requests file ('-' for stdin)")
	output := fs.String("output", "", "batch mode: JSONL decisions file (default stdout)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *input != "" {
		if len(eccns) > 0 || *to != "" || len(pf.parties) > 0 {
			return fmt.Errorf("%w: --input cannot be combined with --eccn, --to or --party", errUsage)
		}
		return runCheckBatch(ctx, env, *input, *output)
	}
	if len(eccns) == 0 || *to == "" {
		fs.Usage()
		return fmt.Errorf("%w: --eccn and --to are required (or --input for a batch)", errUsage)
	}
	req := ear.Request{Destination: *to, Region: *region, Parties: pf.parties, EndUserType: *endUse, Date: *date}
	for _, e := range eccns {
		req.Items = append(req.Items, ear.Item{ECCN: e, Description: *desc})
	}
	if *value != "" {
		v, err := strconv.ParseFloat(strings.TrimPrefix(strings.ReplaceAll(*value, ",", ""), "$"), 64)
		if err != nil {
			return fmt.Errorf("%w: --value %q is not an amount in USD", errUsage, *value)
		}
		req.ValueUSD = &v
	}
	if err := req.Normalize(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	eng, err := newEAREngine(len(req.Parties) > 0)
	if err != nil {
		return err
	}
	d, err := eng.Determine(ctx, req)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(d)
	}
	printDecision(env.Stdout, req, d)
	return nil
}

var (
	earOnce   sync.Once
	earEngine *ear.Engine
	earErr    error
)

// newEAREngine builds the engine over the embedded snapshot, once per
// process. Without parties there is nothing to screen, so the index
// (about 3 s to build) is skipped.
func newEAREngine(screen bool) (*ear.Engine, error) {
	if !screen {
		return ear.New(match.NewIndex(nil))
	}
	earOnce.Do(func() {
		s, err := snapshot.Default()
		if err != nil {
			earErr = err
			return
		}
		earEngine, earErr = ear.New(match.NewIndex(s.Entities))
	})
	return earEngine, earErr
}

func runCheckBatch(ctx context.Context, env *Env, in, out string) (err error) {
	start := time.Now()
	var r io.Reader = env.Stdin
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	var w io.Writer = env.Stdout
	if out != "" && out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	}
	eng, err := newEAREngine(true)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	sum, err := eng.RunBatch(ctx, r, bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	var parts []string
	for _, o := range []ear.Outcome{ear.NLR, ear.LicenseRequired, ear.Prohibited, ear.Review} {
		parts = append(parts, fmt.Sprintf("%d %s", sum.ByDecision[o], o))
	}
	fmt.Fprintf(env.Stderr, "check: %d requests: %s; %d errors (%s)\n", sum.Lines, strings.Join(parts, ", "), sum.Errors, time.Since(start).Round(time.Millisecond))
	if sum.Errors > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d lines were not valid requests (see their \"error\" lines in the output)", sum.Errors, sum.Lines)}
	}
	return nil
}

// printDecision writes the verdict and every reason, most severe first.
func printDecision(w io.Writer, req ear.Request, d ear.Decision) {
	var items []string
	for _, it := range req.Items {
		items = append(items, it.ECCN)
	}
	fmt.Fprintf(w, "Decision: %s (license required: %v) — rules as of %s\n", d.Decision, d.LicenseRequired, d.Date)
	fmt.Fprintf(w, "Shipment: %s to %s", strings.Join(items, ", "), req.Destination)
	if req.Region != "" {
		fmt.Fprintf(w, " (%s)", req.Region)
	}
	if req.EndUserType != "" {
		fmt.Fprintf(w, ", end user %s", req.EndUserType)
	}
	fmt.Fprintln(w)
	for _, p := range req.Parties {
		fmt.Fprintf(w, "Party: %s", p.Name)
		if p.Role != "" {
			fmt.Fprintf(w, " (%s)", p.Role)
		}
		for _, o := range p.Owners {
			pct := "share unknown"
			if o.Percent != nil {
				pct = strconv.FormatFloat(*o.Percent, 'f', -1, 64) + "%"
			}
			fmt.Fprintf(w, "; owner %s %s", o.Name, pct)
		}
		fmt.Fprintln(w)
	}
	rs := append([]ear.Reason(nil), d.Reasons...)
	rank := map[ear.Outcome]int{ear.Prohibited: 0, ear.LicenseRequired: 1, ear.Review: 2, ear.NLR: 3, ear.Info: 4}
	sort.SliceStable(rs, func(i, j int) bool { return rank[rs[i].Outcome] < rank[rs[j].Outcome] })
	fmt.Fprintf(w, "\nReasons (%d):\n", len(rs))
	for i, r := range rs {
		about := r.Item
		if r.Party != "" {
			about = strings.TrimPrefix(about+", party "+strconv.Quote(r.Party), ", ")
		}
		fmt.Fprintf(w, "\n%2d. [%s] %s", i+1, r.Outcome, r.Title)
		if about != "" {
			fmt.Fprintf(w, " — %s", about)
		}
		fmt.Fprintf(w, "\n    %s\n", r.Detail)
		if r.ReviewPolicy != "" {
			fmt.Fprintf(w, "    Review policy: %s\n", r.ReviewPolicy)
		}
		if le := r.LicenseExceptions; le != nil {
			switch {
			case le.Excluded:
				fmt.Fprintf(w, "    License exceptions: none — %s\n", le.Why)
			case le.Why != "":
				fmt.Fprintf(w, "    License exceptions: %s\n", le.Why)
			case len(le.Candidates)+len(le.NotUsable) > 0:
				fmt.Fprintln(w, "    License exceptions (each remains subject to 15 CFR 740.2):")
			}
			for _, c := range le.Candidates {
				fmt.Fprintf(w, "      may apply: %s (%s): %s\n", c.Symbol, c.Section, c.Why)
			}
			for _, c := range le.NotUsable {
				fmt.Fprintf(w, "      not usable: %s (%s): %s\n", c.Symbol, c.Section, c.Why)
			}
		}
		ev := r.Evidence
		if len(ev.ChartHits) > 0 || len(ev.ChartMisses) > 0 {
			fmt.Fprintf(w, "    Chart: %s", ev.Destination)
			if len(ev.ChartHits) > 0 {
				fmt.Fprintf(w, "; X in %s", strings.Join(ev.ChartHits, " "))
			}
			if len(ev.ChartMisses) > 0 {
				fmt.Fprintf(w, "; no X in %s", strings.Join(ev.ChartMisses, " "))
			}
			fmt.Fprintf(w, "; reasons for control %s\n", ev.ReasonsForControl)
		}
		if ev.ControlScope != "" {
			fmt.Fprintf(w, "    Control scope: %s\n", ev.ControlScope)
		}
		if e := ev.Entry; e != nil {
			fmt.Fprintf(w, "    List entry: %s %q (matched %q, score %.2f)", e.List, e.Name, e.MatchedName, e.Score)
			if e.ListedOn != "" {
				fmt.Fprintf(w, ", listed %s", e.ListedOn)
			}
			fmt.Fprintln(w)
			if e.MatchWhy != "" && e.Score < 1 {
				fmt.Fprintf(w, "      match: %s\n", e.MatchWhy)
			}
			if e.LicenseRequirement != "" {
				fmt.Fprintf(w, "      license requirement: %s\n", e.LicenseRequirement)
			}
			if e.LicensePolicy != "" {
				fmt.Fprintf(w, "      license review policy: %s\n", e.LicensePolicy)
			}
			if len(e.Programs) > 0 {
				fmt.Fprintf(w, "      programs: %s\n", strings.Join(e.Programs, ", "))
			}
		}
		for _, o := range ev.Owners {
			pct := "share unknown"
			if o.Percent != nil {
				pct = strconv.FormatFloat(*o.Percent, 'f', -1, 64) + "%"
			}
			fmt.Fprintf(w, "    Owner: %s, %s\n", o.Name, pct)
		}
		for _, f := range ev.Footnotes {
			fmt.Fprintf(w, "    Footnote %s\n", f)
		}
		if ev.Note != "" {
			fmt.Fprintf(w, "    Note: %s\n", ev.Note)
		}
		fmt.Fprintf(w, "    Citation: %s\n", strings.Join(r.Cite.CFR, "; "))
		if r.Cite.Data != "" {
			fmt.Fprintf(w, "      data: %s\n", r.Cite.Data)
		}
		for _, fr := range r.Cite.FR {
			fmt.Fprintf(w, "      %s\n", fr)
		}
	}
}
