package store

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/clearance-oss/clearance/internal/csvcell"
	"io"
	"strconv"
	"strings"
)

// ExportFormat is a file format for ExportAudit.
type ExportFormat string

// Export formats.
const (
	FormatCSV   ExportFormat = "csv"   // one row per record, request/result as JSON text
	FormatJSONL ExportFormat = "jsonl" // one Record JSON object per line
)

// ParseExportFormat parses "csv" or "jsonl" (also "json", "ndjson").
func ParseExportFormat(s string) (ExportFormat, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return FormatCSV, nil
	case "jsonl", "ndjson", "json":
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("%w: export format %q (want csv or jsonl)", ErrInvalid, s)
}

// CSVHeader is the header row of a CSV export.
var CSVHeader = []string{"seq", "time", "actor", "kind", "reference", "parties", "countries", "snapshot",
	"decision", "origin", "node", "request", "result", "prev_hash", "hash"}

// exportPage is how many records ExportAudit fetches per query.
const exportPage = 1000

// ExportAudit writes every record matching f to w, in seq order, paging
// through the trail so memory stays flat. f.Limit and f.Desc are ignored
// (an export is the whole selection, oldest first). Multi-valued fields are
// joined with "; " in CSV. It returns the number of records written.
func ExportAudit(ctx context.Context, a AuditTrail, f Filter, format ExportFormat, w io.Writer) (int64, error) {
	var (
		cw *csv.Writer
		je *json.Encoder
	)
	switch format {
	case FormatCSV:
		cw = csv.NewWriter(w)
		if err := cw.Write(CSVHeader); err != nil {
			return 0, fmt.Errorf("audit export: %w", err)
		}
	case FormatJSONL:
		je = json.NewEncoder(w)
		je.SetEscapeHTML(false)
	default:
		return 0, fmt.Errorf("%w: export format %q", ErrInvalid, format)
	}
	f.Desc, f.Before, f.Limit = false, 0, exportPage
	var n int64
	for {
		recs, err := a.ListAudit(ctx, f)
		if err != nil {
			return n, fmt.Errorf("audit export: after seq %d: %w", f.After, err)
		}
		for i := range recs {
			r := &recs[i]
			if cw != nil {
				err = cw.Write(csvRow(r))
			} else {
				err = je.Encode(r)
			}
			if err != nil {
				return n, fmt.Errorf("audit export: record %d: %w", r.Seq, err)
			}
			n++
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return n, fmt.Errorf("audit export: %w", err)
			}
		}
		if len(recs) < exportPage {
			return n, nil
		}
		f.After = recs[len(recs)-1].Seq
	}
}

func csvRow(r *Record) []string {
	e := csvcell.Escape
	return []string{
		strconv.FormatInt(r.Seq, 10), r.Time.UTC().Format(TimeFormat), e(r.Actor), string(r.Kind), e(r.Reference),
		e(strings.Join(r.Parties, "; ")), e(strings.Join(r.Countries, "; ")), r.Snapshot, e(r.Decision), e(r.Origin), e(r.Node),
		string(r.Request), string(r.Result), r.PrevHash, r.Hash,
	}
}
