package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/clearance-oss/clearance/store"
)

// The audit pages read, verify and export the trail through app.Service
// (admin only, as in the API). app records an export itself
// (audit.export); the console records a verification (audit.verify), which
// app does not, so the trail shows when the chain was last checked and by
// whom.

// auditPageSize is how many records one audit page shows.
const auditPageSize = 50

type auditData struct {
	Filter  auditQuery
	Records []store.Record
	Older   string // link to the next (older) page, "" when none
	Newer   string // link back to the newest page
	// Links that keep the filter: verify (form action) and the exports.
	VerifyURL, CSVURL, JSONLURL template.URL
	Verify                      *store.VerifyReport
}

// auditQuery is the filter form, as typed.
type auditQuery struct {
	Party, Country, From, To, Reference, Actor, Kind, Decision string
	Before                                                     int64
}

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"party": q.Party, "country": q.Country, "from": q.From, "to": q.To,
		"reference": q.Reference, "actor": q.Actor, "kind": q.Kind, "decision": q.Decision} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// parseAuditQuery reads the filter from the URL; an error names the field.
func parseAuditQuery(r *http.Request) (auditQuery, store.Filter, error) {
	g := func(k string) string { return strings.TrimSpace(r.URL.Query().Get(k)) }
	q := auditQuery{Party: g("party"), Country: strings.ToUpper(g("country")), From: g("from"), To: g("to"),
		Reference: g("reference"), Actor: g("actor"), Kind: g("kind"), Decision: g("decision")}
	f := store.Filter{PartyName: q.Party, Country: q.Country, Reference: q.Reference, Actor: q.Actor,
		Kind: store.Kind(q.Kind), Decision: q.Decision}
	if q.From != "" {
		t, err := time.Parse(time.DateOnly, q.From)
		if err != nil {
			return q, f, fmt.Errorf("field \"from\": %q is not a date (YYYY-MM-DD)", q.From)
		}
		f.From = t
	}
	if q.To != "" {
		t, err := time.Parse(time.DateOnly, q.To)
		if err != nil {
			return q, f, fmt.Errorf("field \"to\": %q is not a date (YYYY-MM-DD)", q.To)
		}
		f.To = t.AddDate(0, 0, 1) // "to" is inclusive of the whole day
	}
	if b := g("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return q, f, fmt.Errorf("field \"before\": %q is not a record number", b)
		}
		q.Before, f.Before = n, n
	}
	return q, f, nil
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request) {
	c.showAudit(w, r, nil)
}

func (c *Console) showAudit(w http.ResponseWriter, r *http.Request, verify *store.VerifyReport) {
	q, f, err := parseAuditQuery(r)
	d := auditData{Filter: q, Verify: verify}
	// Built here, not in the template: html/template would escape the
	// query string's "=" and "&" as data.
	qs := q.values().Encode()
	d.VerifyURL = template.URL("/audit/verify?" + qs)
	d.CSVURL = template.URL("/audit/export.csv?" + qs)
	d.JSONLURL = template.URL("/audit/export.jsonl?" + qs)
	if err != nil {
		c.render(w, r, http.StatusBadRequest, "audit", view{Title: "Audit trail", Nav: "audit", Error: err.Error(), Data: d})
		return
	}
	f.Desc = true
	f.Limit = auditPageSize + 1 // one more tells whether an older page exists
	recs, err := c.cfg.Service.Audit(r.Context(), actor(r), f)
	if err != nil {
		c.serviceError(w, r, "reading the audit trail", err)
		return
	}
	if len(recs) > auditPageSize {
		recs = recs[:auditPageSize]
		v := q.values()
		v.Set("before", strconv.FormatInt(recs[len(recs)-1].Seq, 10))
		d.Older = "/audit?" + v.Encode()
	}
	if q.Before > 0 {
		d.Newer = "/audit?" + q.values().Encode()
	}
	d.Records = recs
	c.render(w, r, http.StatusOK, "audit", view{Title: "Audit trail", Nav: "audit", Data: d})
}

// auditVerify recomputes the hash chain and shows the report above the
// trail. The check is recorded, so an auditor sees when it was last run.
func (c *Console) auditVerify(w http.ResponseWriter, r *http.Request) {
	rep, err := c.cfg.Service.VerifyAudit(r.Context(), actor(r))
	if err != nil {
		c.serviceError(w, r, "verifying the audit chain", err)
		return
	}
	decision := "ok"
	if !rep.OK {
		decision = "broken"
	}
	if err := c.appendAudit(r, "audit.verify", decision, nil, rep); err != nil {
		c.serviceError(w, r, "recording the verification", err)
		return
	}
	c.showAudit(w, r, &rep)
}

// auditExport streams the filtered trail as CSV or JSONL (oldest first).
func (c *Console) auditExport(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.PathValue("file"), "export.")
	format, err := store.ParseExportFormat(name)
	if !ok || err != nil {
		c.renderError(w, r, http.StatusNotFound, "Audit exports are .csv or .jsonl.")
		return
	}
	_, f, err := parseAuditQuery(r)
	if err != nil {
		c.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	f.Before = 0
	ctype := "text/csv; charset=utf-8"
	if format == store.FormatJSONL {
		ctype = "application/jsonl; charset=utf-8"
	}
	// The download headers go out with the first byte, so an error before
	// it (the export could not be recorded, say) is still an error page.
	out := &startOnWrite{w: w, start: func() {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="clearance-audit-%s.%s"`, c.now().UTC().Format("20060102-150405"), format))
	}}
	if _, err := c.cfg.Service.ExportAudit(r.Context(), actor(r), f, string(format), out); err != nil {
		if !out.started {
			c.serviceError(w, r, "exporting the audit trail", err)
			return
		}
		// A truncated file ends without its last record; the error is logged.
		c.log.Error("console: audit export", "err", err)
	}
}

// startOnWrite calls start before the first Write.
type startOnWrite struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startOnWrite) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}

// appendAudit records a console-only action (reading the trail) with the
// same actor, origin and snapshot fields as app's records.
func (c *Console) appendAudit(r *http.Request, kind, decision string, request, result any) error {
	a := actor(r)
	req, err := jsonRaw(request)
	if err != nil {
		return err
	}
	res, err := jsonRaw(result)
	if err != nil {
		return err
	}
	_, err = c.cfg.Service.Store().AppendAudit(r.Context(), store.Record{
		Actor: a.ID, Kind: store.Kind(kind), Decision: decision, Origin: a.Origin,
		Snapshot: c.cfg.Service.Snapshot().Version, Node: c.cfg.Node,
		Parties: []string{}, Countries: []string{}, Request: req, Result: res,
	})
	return err
}
