package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
)

func (s *Server) health(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ready answers 200 only when the store answers: a load balancer stops
// sending screenings to a replica that could not audit them.
func (s *Server) ready(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	if err := s.svc.Ready(r.Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		return problemf(http.StatusServiceUnavailable, slugUnavailable, "Not ready", "the store does not answer")
	}
	snap := s.svc.Snapshot()
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "snapshot": snap.Version, "entities": s.svc.Index().Len()})
}

// reference returns the client's reference from the body field or, when
// that is empty, the X-Reference header.
func reference(r *http.Request, body string) (string, error) {
	if body != "" {
		return body, nil
	}
	h := strings.TrimSpace(r.Header.Get("X-Reference"))
	if !utf8.ValidString(h) {
		return "", problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "header X-Reference is not valid UTF-8")
	}
	return h, nil
}

func (s *Server) screen(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	var req app.ScreenRequest
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	ref, err := reference(r, req.Reference)
	if err != nil {
		return err
	}
	req.Reference = ref
	resp, err := s.svc.Screen(r.Context(), a, req)
	if err != nil {
		return err
	}
	s.metrics.screenings.WithLabelValues("screen", resp.Decision).Inc()
	return writeAppended(w, http.StatusOK, resp.AppendJSON)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	req := app.SearchRequest{
		Name:      q.str("name"),
		Type:      q.str("type"),
		Country:   q.str("country"),
		Lists:     q.list("lists"),
		Threshold: q.float("threshold", 0, 0, 1),
		Limit:     q.integer("limit", 0, 0, app.MaxMatches),
		Explain:   q.boolean("explain", false),
		Reference: q.str("reference"),
		AsOf:      q.str("as_of"),
	}
	if q.err != nil {
		return q.err
	}
	if req.Reference, err = reference(r, req.Reference); err != nil {
		return err
	}
	resp, err := s.svc.Search(r.Context(), a, req)
	if err != nil {
		return err
	}
	s.metrics.screenings.WithLabelValues("search", resp.Decision).Inc()
	return writeAppended(w, http.StatusOK, resp.AppendJSON)
}

func (s *Server) check(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	var req app.CheckRequest
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	ref, err := reference(r, req.Reference)
	if err != nil {
		return err
	}
	req.Reference = ref
	resp, err := s.svc.Check(r.Context(), a, req)
	if err != nil {
		return err
	}
	s.metrics.screenings.WithLabelValues("check", strings.ToLower(resp.Decision)).Inc()
	return writeJSON(w, http.StatusOK, resp)
}

func (s *Server) lists(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	snap := s.svc.Snapshot()
	return writeJSON(w, http.StatusOK, map[string]any{
		"snapshot": snap.Version,
		"built":    snap.Built,
		"entities": s.svc.Index().Len(),
		"lists":    snap.Sources,
	})
}

func (s *Server) entity(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	id := r.PathValue("id")
	if !utf8.ValidString(id) || len(id) > 200 {
		return problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "entity id must be valid UTF-8 of at most 200 bytes")
	}
	e, err := s.svc.Entity(id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

// Media types of the raw batch upload forms.
const (
	mediaCSV  = "text/csv"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// createBatch accepts a CSV/XLSX file either as multipart/form-data (a
// "file" part, with optional "lists", "threshold" and "reference" fields)
// or as the raw body (Content-Type text/csv or the XLSX type; optional
// ?filename=, lists=, threshold=, reference=).
func (s *Server) createBatch(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	req := app.BatchRequest{Filename: q.str("filename"), Lists: q.list("lists"), Threshold: q.float("threshold", 0, 0, 1), Reference: q.str("reference")}
	if q.err != nil {
		return q.err
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return problemf(http.StatusUnsupportedMediaType, slugUnsupportedMedia, "Unsupported media type",
			"Content-Type %q: send multipart/form-data with a \"file\" part, text/csv, or %s", r.Header.Get("Content-Type"), mediaXLSX)
	}
	var b store.Batch
	switch mt {
	case "multipart/form-data":
		b, err = s.batchFromMultipart(r, a, params["boundary"], req)
	case mediaCSV, "application/csv":
		req.Filename = rawName(req.Filename, ".csv")
		b, err = s.startBatch(r, a, req, r.Body)
	case mediaXLSX:
		req.Filename = rawName(req.Filename, ".xlsx")
		b, err = s.startBatch(r, a, req, r.Body)
	default:
		return problemf(http.StatusUnsupportedMediaType, slugUnsupportedMedia, "Unsupported media type",
			"Content-Type %q: send multipart/form-data with a \"file\" part, text/csv, or %s", mt, mediaXLSX)
	}
	if err != nil {
		return err
	}
	s.metrics.batches.Inc()
	w.Header().Set("Location", "/v1/batches/"+b.ID)
	return writeJSON(w, http.StatusAccepted, b)
}

// rawName gives a raw upload a file name with the extension its media
// type implies.
func rawName(name, ext string) string {
	if name == "" {
		return "upload" + ext
	}
	if !strings.EqualFold(filepath.Ext(name), ext) {
		return name + ext
	}
	return name
}

func (s *Server) startBatch(r *http.Request, a app.Actor, req app.BatchRequest, body io.Reader) (store.Batch, error) {
	ref, err := reference(r, req.Reference)
	if err != nil {
		return store.Batch{}, err
	}
	req.Reference = ref
	b, err := s.svc.StartBatch(r.Context(), a, req, body)
	if err != nil && errors.Is(err, app.ErrInvalid) {
		return b, problemf(http.StatusBadRequest, slugInvalidUpload, "Invalid upload", "%s", strings.TrimPrefix(err.Error(), app.ErrInvalid.Error()+": "))
	}
	return b, err
}

// batchFromMultipart streams the form: small fields are read into the
// request, the "file" part is handed to the service as it arrives, so an
// upload is never held in memory.
func (s *Server) batchFromMultipart(r *http.Request, a app.Actor, boundary string, req app.BatchRequest) (store.Batch, error) {
	bad := func(format string, args ...any) error {
		return problemf(http.StatusBadRequest, slugInvalidUpload, "Invalid upload", format, args...)
	}
	if boundary == "" {
		return store.Batch{}, bad("multipart/form-data without a boundary parameter")
	}
	mr := multipart.NewReader(r.Body, boundary)
	for {
		part, err := mr.NextPart()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return store.Batch{}, err
			}
			if err == io.EOF { // a clean end of the form; a wrapped EOF is a broken body
				return store.Batch{}, bad("the form has no \"file\" part")
			}
			return store.Batch{}, bad("malformed multipart body: %v", err)
		}
		switch part.FormName() {
		case "file":
			if req.Filename == "" {
				req.Filename = part.FileName()
			}
			if req.Filename == "" {
				return store.Batch{}, bad("the \"file\" part has no filename; name it *.csv or *.xlsx")
			}
			return s.startBatch(r, a, req, part)
		case "lists", "threshold", "reference":
			buf := make([]byte, 1024)
			n, _ := io.ReadFull(part, buf)
			if n == len(buf) {
				return store.Batch{}, bad("form field %q is longer than %d bytes", part.FormName(), len(buf)-1)
			}
			v := strings.TrimSpace(string(buf[:n]))
			if !utf8.ValidString(v) {
				return store.Batch{}, bad("form field %q is not valid UTF-8", part.FormName())
			}
			switch part.FormName() {
			case "lists":
				req.Lists = append(req.Lists, v)
			case "threshold":
				if v != "" {
					var f float64
					if _, err := fmt.Sscanf(v, "%g", &f); err != nil {
						return store.Batch{}, bad("form field \"threshold\": %q is not a number", v)
					}
					req.Threshold = f
				}
			case "reference":
				req.Reference = v
			}
		default:
			return store.Batch{}, bad("unknown form field %q (want file, lists, threshold, reference)", part.FormName())
		}
	}
}

func (s *Server) listBatches(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	limit := q.integer("limit", 100, 1, 1000)
	if q.err != nil {
		return q.err
	}
	bs, err := s.svc.Batches(r.Context(), a, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"batches": bs})
}

func (s *Server) batch(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	b, err := s.svc.Batch(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

var resultMedia = map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": mediaXLSX, "jsonl": "application/jsonl"}

func (s *Server) batchResults(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	format := strings.ToLower(q.str("format"))
	if q.err != nil {
		return q.err
	}
	if format == "" {
		format = "jsonl"
	}
	if err := app.CheckResultFormat(format); err != nil {
		return err
	}
	b, err := s.svc.Batch(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if b.Status != store.BatchDone {
		p := problemf(http.StatusConflict, slugNotReady, "Results not ready", "batch %s is %s (%d of %d rows screened); poll /v1/batches/%s", b.ID, b.Status, b.Done, b.Total, b.ID)
		p.header = http.Header{"Retry-After": {"2"}}
		if b.Status == store.BatchFailed {
			p.detail = fmt.Sprintf("batch %s failed: %s", b.ID, b.Error)
			p.header = nil
		}
		return p
	}
	name := strings.TrimSuffix(b.Filename, filepath.Ext(b.Filename)) + "-results." + format
	w.Header().Set("Content-Type", resultMedia[format])
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return s.svc.WriteBatchResults(r.Context(), a, b.ID, format, w)
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	ks, err := s.svc.ListKeys(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"keys": ks})
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	var req app.CreateKeyRequest
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	k, err := s.svc.CreateKey(r.Context(), a, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, k)
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	if err := s.svc.RevokeKey(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// settings shows the running configuration (nothing secret): what an
// administrator checks when a limit bites.
func (s *Server) settings(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	return writeJSON(w, http.StatusOK, map[string]any{
		"snapshot":          s.svc.Snapshot().Version,
		"max_body_bytes":    s.cfg.MaxBodyBytes,
		"max_upload_bytes":  s.cfg.MaxUploadBytes,
		"request_timeout":   s.cfg.RequestTimeout.String(),
		"max_parties":       app.MaxParties,
		"max_matches":       app.MaxMatches,
		"default_threshold": match.DefaultThreshold,
	})
}

// auditFilter reads the audit filters shared by /v1/audit and its export.
func auditFilter(q *query) store.Filter {
	f := store.Filter{
		PartyName: q.str("party"),
		Country:   strings.ToUpper(q.str("country")),
		Reference: q.str("reference"),
		Actor:     q.str("actor"),
		Kind:      store.Kind(q.str("kind")),
		Decision:  q.str("decision"),
		After:     int64(q.integer("after", 0, 0, 1<<62)),
		Before:    int64(q.integer("before", 0, 0, 1<<62)),
		Desc:      q.boolean("desc", false),
		Limit:     q.integer("limit", store.DefaultLimit, 1, store.MaxLimit),
	}
	f.From = q.date("from")
	f.To = q.date("to")
	return f
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	f := auditFilter(q)
	if q.err != nil {
		return q.err
	}
	rs, err := s.svc.Audit(r.Context(), a, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"records": rs})
}

// auditExport streams the selected records as CSV or JSONL (15 CFR
// 762.5(c): records retrievable by party name, country or reference).
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	q, err := newQuery(r)
	if err != nil {
		return err
	}
	f := auditFilter(q)
	format := strings.ToLower(q.str("format"))
	if q.err != nil {
		return q.err
	}
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "jsonl" {
		return problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "query parameter \"format\": %q: want csv or jsonl", format)
	}
	w.Header().Set("Content-Type", resultMedia[format])
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "clearance-audit." + format}))
	_, err = s.svc.ExportAudit(r.Context(), a, f, format, w)
	return err
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	rep, err := s.svc.VerifyAudit(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// date parses a YYYY-MM-DD or RFC 3339 parameter.
func (q *query) date(name string) time.Time {
	s := q.str(name)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	q.fail(name, "%q is not a date (YYYY-MM-DD or RFC 3339)", s)
	return time.Time{}
}
