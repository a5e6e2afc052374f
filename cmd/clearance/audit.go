package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clearance-oss/clearance/store"
)

func init() {
	register("audit", "verify, browse and export the tamper-evident audit trail", runAudit)
}

func runAudit(ctx context.Context, env *Env, args []string) error {
	return subcommand(ctx, env, "audit", args, map[string]func(context.Context, *Env, []string) error{
		"verify": runAuditVerify,
		"export": runAuditExport,
		"log":    runAuditLog,
		"show":   runAuditShow,
	}, "verify|export|log|show")
}

// runAuditVerify recomputes the hash chain; exit status 1 names the first
// edited, deleted or reordered record.
func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "audit verify", "[--json] [--anchor SEQ:HASH] [--anchors FILE]")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	anchor := fs.String("anchor", "", "also check that record SEQ still has HASH, as noted from an earlier verify (detects a rewritten chain)")
	anchors := fs.String("anchors", "", "check every SEQ:HASH line of FILE, then append the current head to it (keep FILE off the database host; run from cron)")
	sf := addStoreFlags(fs, env)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if rep.OK && *anchor != "" {
		if err := checkAnchor(ctx, s, *anchor, &rep); err != nil {
			return err
		}
	}
	if rep.OK && *anchors != "" {
		if err := checkAnchorFile(ctx, s, *anchors, &rep); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if rep.OK {
		fmt.Fprintf(env.Stdout, "%s\n", rep)
	}
	if !rep.OK {
		return &exitError{code: 1, err: errors.New(rep.String())}
	}
	return nil
}

// checkAnchor compares a head noted earlier (printed by verify, kept
// outside the database) with the chain now. Someone able to rewrite the
// database could recompute every hash after an edit; they cannot change
// the anchor kept elsewhere.
func checkAnchor(ctx context.Context, s store.AuditTrail, anchor string, rep *store.VerifyReport) error {
	seqText, hash, ok := strings.Cut(anchor, ":")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil || seq < 1 || len(hash) != 64 {
		return fmt.Errorf("%w: --anchor %q: want SEQ:HASH, e.g. 1200:3f9a… (64 hex digits)", errUsage, anchor)
	}
	recs, err := s.ListAudit(ctx, store.Filter{After: seq - 1, Limit: 1})
	if err != nil {
		return err
	}
	switch {
	case len(recs) == 0 || recs[0].Seq != seq:
		rep.OK, rep.FirstBad, rep.Problem = false, seq, fmt.Sprintf("anchored record %d no longer exists", seq)
	case !strings.EqualFold(recs[0].Hash, hash):
		rep.OK, rep.FirstBad, rep.Problem = false, seq, fmt.Sprintf("record %d's hash is %s, not the anchored %s: the chain was rewritten", seq, recs[0].Hash, hash)
	}
	return nil
}

// checkAnchorFile checks every anchor line ("SEQ:HASH" then anything, e.g.
// the time it was written) of path, and when all hold appends the current
// head, so the file becomes an external, growing record of the chain.
// A missing file is started.
func checkAnchorFile(ctx context.Context, s store.AuditTrail, path string, rep *store.VerifyReport) error {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("--anchors: %w", err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		a, _, _ := strings.Cut(line, " ")
		if err := checkAnchor(ctx, s, a, rep); err != nil {
			return fmt.Errorf("--anchors: %s line %d: %w", path, i+1, err)
		}
		if !rep.OK {
			rep.Problem = fmt.Sprintf("%s (anchor from %s line %d)", rep.Problem, path, i+1)
			return nil
		}
	}
	if rep.HeadSeq == 0 {
		return nil // nothing to anchor yet
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("--anchors: %w", err)
	}
	_, werr := fmt.Fprintf(f, "%d:%s %s\n", rep.HeadSeq, rep.HeadHash, time.Now().UTC().Format(time.RFC3339))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("--anchors: %w", werr)
	}
	return nil
}

// auditFilterFlags registers the selection flags shared by export and log.
func auditFilterFlags(fs *flag.FlagSet) func() (store.Filter, error) {
	var party, country, from, to, ref, actor, kind, decision string
	fs.StringVar(&party, "party", "", "party name contains this (case-insensitive)")
	fs.StringVar(&country, "country", "", "ISO-2 country code")
	fs.StringVar(&from, "from", "", "from this date (YYYY-MM-DD, UTC) or time (RFC 3339)")
	fs.StringVar(&to, "to", "", "up to and including this date (YYYY-MM-DD), or before this time (RFC 3339)")
	fs.StringVar(&ref, "reference", "", "order / document reference number")
	fs.StringVar(&actor, "actor", "", "actor, e.g. key:<id> or user:<name>")
	fs.StringVar(&kind, "kind", "", "record kind: screen, check, batch, key.create, login …")
	fs.StringVar(&decision, "decision", "", "decision, e.g. hit, clear, license_required")
	return func() (store.Filter, error) {
		f := store.Filter{PartyName: party, Country: country, Reference: ref, Actor: actor, Kind: store.Kind(kind), Decision: decision}
		var err error
		if from != "" {
			if f.From, _, err = parseAuditTime(from); err != nil {
				return f, fmt.Errorf("%w: --from: %v", errUsage, err)
			}
		}
		if to != "" {
			var dateOnly bool
			if f.To, dateOnly, err = parseAuditTime(to); err != nil {
				return f, fmt.Errorf("%w: --to: %v", errUsage, err)
			}
			if dateOnly {
				f.To = f.To.AddDate(0, 0, 1) // --to 2026-07-31 includes that whole day
			}
		}
		if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
			return f, fmt.Errorf("%w: --from %s is not before --to %s", errUsage, from, to)
		}
		if country != "" && (len(strings.TrimSpace(country)) != 2) {
			return f, fmt.Errorf("%w: --country %q: want an ISO-2 code such as CN", errUsage, country)
		}
		return f, nil
	}
}

// parseAuditTime accepts YYYY-MM-DD (midnight UTC; dateOnly true) or an
// RFC 3339 time.
func parseAuditTime(s string) (t time.Time, dateOnly bool, err error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, nil
	}
	t, err = time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is neither YYYY-MM-DD nor an RFC 3339 time", s)
	}
	return t.UTC(), false, nil
}

func runAuditExport(ctx context.Context, env *Env, args []string) (err error) {
	fs := newFlagSet(env, "audit export", "--format csv|jsonl [--party NAME] [--country CC] [--from DATE] [--to DATE] [--reference REF] [--output FILE]")
	format := fs.String("format", "csv", "csv or jsonl")
	output := fs.String("output", "", "write to this file instead of stdout")
	filter := auditFilterFlags(fs)
	sf := addStoreFlags(fs, env)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	ff, err := store.ParseExportFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: --format: %v", errUsage, err)
	}
	f, err := filter()
	if err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var w io.Writer = env.Stdout
	if *output != "" {
		// Write beside the target and rename, so a failed export never
		// leaves a truncated file that looks complete.
		tmp, err := os.CreateTemp(dirOf(*output), ".clearance-export-*")
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		defer func() {
			if err != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		w = tmp
		n, err := store.ExportAudit(ctx, s, f, ff, w)
		if err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		if err := os.Rename(tmp.Name(), *output); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		fmt.Fprintf(env.Stderr, "exported %d audit records to %s\n", n, *output)
		return nil
	}
	n, err := store.ExportAudit(ctx, s, f, ff, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "exported %d audit records\n", n)
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// runAuditLog prints the newest records as a table, for a quick look.
func runAuditLog(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "audit log", "[--limit N] [filters]")
	limit := fs.Int("limit", 20, "how many records, newest first")
	filter := auditFilterFlags(fs)
	sf := addStoreFlags(fs, env)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	f, err := filter()
	if err != nil {
		return err
	}
	f.Desc, f.Limit = true, *limit
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME (UTC)\tACTOR\tKIND\tREFERENCE\tPARTIES\tCOUNTRIES\tDECISION")
	for _, r := range recs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.Time.Format("2006-01-02 15:04:05"), r.Actor, r.Kind,
			r.Reference, clipRunes(strings.Join(r.Parties, "; "), 50), strings.Join(r.Countries, ","), r.Decision)
	}
	return tw.Flush()
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// runAuditShow prints whole records (inputs and results included) as
// indented JSON, for an auditor following up one entry.
func runAuditShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "audit show", "SEQ...")
	sf := addStoreFlags(fs, env)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: want one or more record numbers (see 'clearance audit log')", errUsage)
	}
	seqs := make([]int64, len(pos))
	for i, p := range pos {
		if seqs[i], err = strconv.ParseInt(p, 10, 64); err != nil || seqs[i] < 1 {
			return fmt.Errorf("%w: %q is not a record number", errUsage, p)
		}
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	for _, seq := range seqs {
		recs, err := s.ListAudit(ctx, store.Filter{After: seq - 1, Limit: 1})
		if err != nil {
			return err
		}
		if len(recs) == 0 || recs[0].Seq != seq {
			return fmt.Errorf("audit record %d: %w", seq, store.ErrNotFound)
		}
		if err := enc.Encode(recs[0]); err != nil {
			return err
		}
	}
	return nil
}
