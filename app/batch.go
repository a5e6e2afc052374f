package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/batch"
	"github.com/clearance-oss/clearance/store"
)

// batchChunk is how many screened rows are stored and audited together:
// one audit record per chunk keeps records bounded in size while every
// screened name is still in the trail.
const batchChunk = 500

// BatchRequest describes an uploaded file to screen in the background.
type BatchRequest struct {
	Filename  string   // decides the format: .csv or .xlsx
	Lists     []string // list codes; empty means all
	Threshold float64  // 0 means the matcher's default
	Reference string   // the client's reference, recorded in the audit trail
}

// StartBatch validates an uploaded CSV/XLSX file, stores it as a batch job
// and starts screening it in the background (analyst or admin). A file
// that cannot be read — wrong extension, no name column, a bad row — is
// rejected here with an error naming the row, before any job exists.
func (s *Service) StartBatch(ctx context.Context, a Actor, req BatchRequest, upload io.Reader) (store.Batch, error) {
	if err := a.allow(store.RoleAnalyst); err != nil {
		return store.Batch{}, err
	}
	if !utf8.ValidString(req.Filename) || len(req.Filename) > 255 {
		return store.Batch{}, invalidf("file name: must be valid UTF-8 of at most 255 bytes")
	}
	base := filepath.Base(strings.ReplaceAll(req.Filename, "\\", "/"))
	format, err := batch.FormatOf(base)
	if err != nil {
		return store.Batch{}, invalidf("file name: %v", err)
	}
	if format != batch.FormatCSV && format != batch.FormatXLSX {
		return store.Batch{}, invalidf("file name %q: upload a .csv or .xlsx file", base)
	}
	lists, err := parseLists(req.Lists)
	if err != nil {
		return store.Batch{}, invalidf("field \"lists\": %v", err)
	}
	if req.Threshold < 0 || req.Threshold > 1 {
		return store.Batch{}, invalidf("field \"threshold\": %v is outside 0..1", req.Threshold)
	}
	if len(req.Reference) > maxRefBytes || !utf8.ValidString(req.Reference) {
		return store.Batch{}, invalidf("field \"reference\": must be valid UTF-8 of at most %d bytes", maxRefBytes)
	}

	// The job outlives the request, so the upload goes to a temporary file
	// (keeping the extension, which tells the reader the format).
	tmp, err := os.CreateTemp("", "clearance-batch-*."+format)
	if err != nil {
		return store.Batch{}, fmt.Errorf("batch: temporary file: %w", err)
	}
	path := tmp.Name()
	keep := false
	defer func() {
		if !keep {
			os.Remove(path)
		}
	}()
	_, err = io.Copy(tmp, upload)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// Callers can tell an oversized upload with errors.As (*http.MaxBytesError).
		return store.Batch{}, fmt.Errorf("batch: reading upload: %w", err)
	}
	rows, err := batch.CountRows(path)
	if err != nil {
		// The reader's errors name the file, line and column; replace the
		// temporary path with the name the client gave.
		return store.Batch{}, invalidf("%s", strings.ReplaceAll(err.Error(), path, base))
	}
	if rows == 0 {
		return store.Batch{}, invalidf("%s: no rows to screen", base)
	}
	if rows > s.maxRows {
		return store.Batch{}, invalidf("%s: %d rows, at most %d per batch", base, rows, s.maxRows)
	}
	b, err := s.store.CreateBatch(ctx, store.Batch{Owner: a.ID, Filename: base, Total: rows, Status: store.BatchQueued})
	if err != nil {
		return store.Batch{}, fmt.Errorf("batch: %w", err)
	}
	// Half the cores at most, so a batch leaves room for interactive screenings.
	opts := batch.Options{Threshold: req.Threshold, Lists: lists, Explain: true, Workers: max(1, runtime.GOMAXPROCS(0)/2)}
	auditReq := map[string]any{"batch": b.ID, "filename": base, "rows": rows, "lists": lists, "threshold": req.Threshold}
	if _, err := s.audit(ctx, a, store.KindBatch, req.Reference, nil, nil, string(store.BatchQueued), auditReq, b); err != nil {
		return store.Batch{}, err
	}
	keep = true
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer os.Remove(path)
		s.runBatch(a, b, path, opts, req.Reference)
	}()
	return b, nil
}

// runBatch screens the file at path for batch b, storing results and
// progress, and auditing every chunk of rows.
func (s *Service) runBatch(a Actor, b store.Batch, path string, opts batch.Options, ref string) {
	ctx := s.jobsCtx
	fail := func(err error) {
		s.log.Error("batch failed", "batch", b.ID, "err", err)
		// The job context may be cancelled (shutdown): record the failure anyway.
		uctx := context.WithoutCancel(ctx)
		if uerr := s.store.UpdateBatch(uctx, b.ID, store.BatchProgress{Status: store.BatchFailed, Error: err.Error()}); uerr != nil {
			s.log.Error("batch: recording failure", "batch", b.ID, "err", uerr)
		}
	}
	// Wait (status queued) for a free job slot.
	select {
	case s.jobSlots <- struct{}{}:
		defer func() { <-s.jobSlots }()
	case <-ctx.Done():
		fail(errors.New("the server shut down before the batch started; upload it again"))
		return
	}
	if err := s.store.UpdateBatch(ctx, b.ID, store.BatchProgress{Status: store.BatchRunning}); err != nil {
		fail(err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		fail(err)
		return
	}
	defer f.Close()
	in, err := batch.OpenReader(path, f)
	if err != nil {
		fail(err)
		return
	}
	defer in.Close()
	w := &storeWriter{s: s, ctx: ctx, a: a, batchID: b.ID, ref: ref}
	stats, err := batch.Run(ctx, s.index, in, w, opts, nil)
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		if ctx.Err() != nil {
			err = errors.New("the server shut down before the batch finished; upload it again")
		}
		fail(err)
		return
	}
	if err := s.store.UpdateBatch(ctx, b.ID, store.BatchProgress{Done: stats.Rows, Hits: stats.RowsWithHits, Status: store.BatchDone}); err != nil {
		fail(err)
	}
}

// storeWriter is a batch.Writer that stores results in the batch store and
// audits them, a chunk at a time, recording progress after each chunk.
type storeWriter struct {
	s       *Service
	ctx     context.Context
	a       Actor
	batchID string
	ref     string

	rows      []store.BatchResult
	parties   []string
	countries []string
	audited   []batch.JSONLRecord
	done      int
	hits      int
	chunkHits bool
}

func (w *storeWriter) Write(r batch.Result) error {
	rec := batch.NewJSONLRecord(r)
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("batch: encode row %d: %w", r.Row.Line, err)
	}
	w.rows = append(w.rows, store.BatchResult{Row: r.Row.Line, Data: data})
	w.parties = append(w.parties, r.Row.Name)
	if r.Row.Country != "" {
		w.countries = append(w.countries, r.Row.Country)
	}
	rec.Type, rec.Country = "", "" // the audit keeps what decides: name and matches
	for i := range rec.Matches {
		rec.Matches[i].Countries, rec.Matches[i].Programs, rec.Matches[i].Reason, rec.Matches[i].Type = nil, nil, "", ""
	}
	w.audited = append(w.audited, rec)
	if len(r.Matches) > 0 {
		w.hits++
		w.chunkHits = true
	}
	if len(w.rows) >= batchChunk {
		return w.flush()
	}
	return nil
}

func (w *storeWriter) flush() error {
	if len(w.rows) == 0 {
		return nil
	}
	if err := w.s.store.AddBatchResults(w.ctx, w.batchID, w.rows); err != nil {
		return fmt.Errorf("batch: store results: %w", err)
	}
	decision := decisionClear
	if w.chunkHits {
		decision = decisionHit
	}
	req := map[string]any{"batch": w.batchID, "first_row": w.rows[0].Row, "last_row": w.rows[len(w.rows)-1].Row}
	if _, err := w.s.audit(w.ctx, w.a, store.KindScreen, w.ref, w.parties, clearance.SortStrings(w.countries), decision, req, w.audited); err != nil {
		return err
	}
	w.done += len(w.rows)
	if err := w.s.store.UpdateBatch(w.ctx, w.batchID, store.BatchProgress{Done: w.done, Hits: w.hits, Status: store.BatchRunning}); err != nil {
		return fmt.Errorf("batch: progress: %w", err)
	}
	w.rows, w.parties, w.countries, w.audited, w.chunkHits = w.rows[:0], nil, nil, nil, false
	return nil
}

func (w *storeWriter) Close() error { return w.flush() }

// Batch returns a batch job. Analysts see their own jobs; admins see all.
func (s *Service) Batch(ctx context.Context, a Actor, id string) (store.Batch, error) {
	if err := a.allow(store.RoleAnalyst); err != nil {
		return store.Batch{}, err
	}
	b, err := s.store.GetBatch(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && b.Owner != a.ID && a.Role != store.RoleAdmin) {
		return store.Batch{}, fmt.Errorf("%w: batch %q", ErrNotFound, id)
	}
	if err != nil {
		return store.Batch{}, fmt.Errorf("batch: %w", err)
	}
	return b, nil
}

// Batches lists the newest batch jobs: the actor's own, or everyone's for
// an admin.
func (s *Service) Batches(ctx context.Context, a Actor, limit int) ([]store.Batch, error) {
	if err := a.allow(store.RoleAnalyst); err != nil {
		return nil, err
	}
	owner := a.ID
	if a.Role == store.RoleAdmin {
		owner = ""
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	bs, err := s.store.ListBatches(ctx, owner, limit)
	if err != nil {
		return nil, fmt.Errorf("batches: %w", err)
	}
	if bs == nil {
		bs = []store.Batch{}
	}
	return bs, nil
}

// BatchResultFormats are the formats WriteBatchResults accepts.
var BatchResultFormats = []string{batch.FormatCSV, batch.FormatXLSX, batch.FormatJSONL}

// WriteBatchResults writes the results of a finished (or running) batch to
// w in format csv, xlsx or jsonl, in input row order. Callers check the
// format first with CheckResultFormat so nothing is written on error.
func (s *Service) WriteBatchResults(ctx context.Context, a Actor, id, format string, w io.Writer) error {
	if _, err := s.Batch(ctx, a, id); err != nil {
		return err
	}
	if err := CheckResultFormat(format); err != nil {
		return err
	}
	out, err := batch.NewWriter(format, w)
	if err != nil {
		return invalidf("format: %v", err)
	}
	after := 0
	for {
		rows, err := s.store.BatchResults(ctx, id, after, 1000)
		if err != nil {
			return fmt.Errorf("batch results: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			var rec batch.JSONLRecord
			if err := json.Unmarshal(r.Data, &rec); err != nil {
				return fmt.Errorf("batch results: row %d: %w", r.Row, err)
			}
			if err := out.Write(s.resultFromRecord(rec)); err != nil {
				return err
			}
			after = r.Row
		}
	}
	return out.Close()
}

// CheckResultFormat returns an error unless format is one results can be
// downloaded in.
func CheckResultFormat(format string) error {
	for _, f := range BatchResultFormats {
		if format == f {
			return nil
		}
	}
	return invalidf("format %q: want csv, xlsx or jsonl", format)
}

// resultFromRecord turns a stored row back into a batch.Result so the
// batch writers produce the same files as `clearance screen --input`.
func (s *Service) resultFromRecord(rec batch.JSONLRecord) batch.Result {
	t, _ := clearance.ParseEntityType(rec.Type)
	r := batch.Result{Row: batch.Row{Line: rec.Row, ID: rec.ID, Name: rec.Name, Type: t, Country: rec.Country}}
	for _, m := range rec.Matches {
		cm := clearance.Match{EntityID: m.EntityID, List: m.List, Name: m.Name, MatchedName: m.MatchedName, Alias: m.Alias, Score: m.Score}
		if e, ok := s.index.Entity(m.EntityID); ok {
			cm.Entity = e
		}
		if m.Reason != "" {
			cm.Explanation = &clearance.Explanation{Summary: m.Reason}
		}
		r.Matches = append(r.Matches, cm)
	}
	return r
}
