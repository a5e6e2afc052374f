package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/clearance-oss/clearance/ear"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clearance-oss/clearance/lists/snapshot"
)

func init() {
	register("lists", "show the loaded lists: entries, as-of dates, provenance", runLists)
}

// listsOutput is the --json form of `clearance lists`.
type listsOutput struct {
	Version  string                 `json:"version"`
	BuiltAt  time.Time              `json:"built_at"`
	Entities int                    `json:"entities"`
	Lists    []snapshot.ListSummary `json:"lists"`
	Sources  []snapshot.Source      `json:"sources"`
	EAR      []ear.DataSource       `json:"ear"` // the regulation tables license determination uses
}

func runLists(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "lists", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	// The manifest, not the snapshot: it holds the counts and provenance
	// without the entities, so the command answers without decoding them.
	m, err := snapshot.DefaultManifest()
	if err != nil {
		return err
	}
	earData, err := ear.DataSources()
	if err != nil {
		return err
	}
	out := listsOutput{Version: m.Version, BuiltAt: m.BuiltAt, Entities: m.Total, Lists: m.Lists(), Sources: m.Sources, EAR: earData}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printLists(env.Stdout, out)
}

// printLists writes the human-readable table: one line per list, then one
// block per source file with its provenance.
func printLists(w io.Writer, out listsOutput) error {
	fmt.Fprintf(w, "Snapshot %s (built %s): %s entities\n\n", out.Version, out.BuiltAt.Format("2006-01-02 15:04 MST"), thousands(out.Entities))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tNAME\tENTRIES\tAS OF\tSOURCE")
	for _, l := range out.Lists {
		src := l.File
		if extra := sourceGroups(l.Sources[1:]); len(extra) > 0 {
			src += " (+ " + strings.Join(extra, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Code, l.Name, thousands(l.Entries), l.AsOf, src)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nSources:")
	for _, src := range out.Sources {
		fmt.Fprintf(w, "  %s: %s\n", src.ID, src.Name)
		fmt.Fprintf(w, "    file   %s (%s records, as of %s, sha256 %s)\n", src.File, thousands(src.Count), src.AsOf, src.SHA256)
		fmt.Fprintf(w, "    url    %s\n", src.URL)
		if src.Notes != "" {
			fmt.Fprintf(w, "    notes  %s\n", src.Notes)
		}
	}
	if len(out.EAR) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nEAR tables (license determination):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  TABLE\tCITATION\tROWS\tAS OF\tFILE")
	for _, d := range out.EAR {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", d.Name, d.Citation, thousands(d.Rows), d.AsOf, d.File)
	}
	return tw.Flush()
}

// sourceGroups names source ids for the table, folding a main file and
// its side files ("ofac-sdn-add", "ofac-sdn-alt", "ofac-sdn") into one
// entry ("ofac-sdn (4 files)").
func sourceGroups(ids []string) []string {
	files := map[string]int{}
	var order []string
	for _, id := range ids {
		group := id
		for _, other := range ids {
			if other != id && strings.HasPrefix(id, other+"-") {
				group = other
			}
		}
		if files[group] == 0 {
			order = append(order, group)
		}
		files[group]++
	}
	out := make([]string, 0, len(order))
	for _, g := range order {
		if files[g] > 1 {
			g += fmt.Sprintf(" (%d files)", files[g])
		}
		out = append(out, g)
	}
	return out
}

// thousands formats n with comma separators: 25921 → "25,921".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
