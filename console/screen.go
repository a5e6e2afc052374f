package console

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
)

type screenData struct {
	Name, Type, Country, Reference string
	AsOf                           string // screen against the lists as they were on this date
	Searched                       bool
	Matches                        []clearance.Match
	Threshold                      float64
	Snapshot                       string
	AuditSeq                       int64
}

// screenPage is the console's home: one search box. An analyst's search is
// a screening (app.Service.Screen, audit kind "screen", with the optional
// reference number); a viewer's is a quick search (app.Service.Search,
// audit kind "search"). Both are recorded before the results are shown.
func (c *Console) screenPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := screenData{
		Name: strings.TrimSpace(q.Get("name")), Type: q.Get("type"),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), Reference: strings.TrimSpace(q.Get("reference")),
		AsOf: strings.TrimSpace(q.Get("as_of")),
	}
	v := view{Title: "Screen", Nav: "screen", Data: &d}
	if d.Name == "" {
		c.render(w, r, http.StatusOK, "screen", v)
		return
	}
	v.Title = "Screen: " + d.Name
	a := actor(r)
	var err error
	if a.Role.Allows(Analyst) {
		var resp app.ScreenResponse
		resp, err = c.cfg.Service.Screen(r.Context(), a, app.ScreenRequest{Name: d.Name, Type: d.Type, Country: d.Country, Reference: d.Reference, AsOf: d.AsOf})
		if err == nil && len(resp.Results) == 1 {
			d.Matches, d.Threshold, d.Snapshot, d.AuditSeq = resp.Results[0].Matches, resp.Threshold, resp.Snapshot, resp.Audit.Seq
		}
	} else {
		var resp app.SearchResponse
		resp, err = c.cfg.Service.Search(r.Context(), a, app.SearchRequest{Name: d.Name, Type: d.Type, Country: d.Country, Explain: true, AsOf: d.AsOf})
		if err == nil {
			d.Matches, d.Snapshot, d.AuditSeq = resp.Matches, resp.Snapshot, resp.Audit.Seq
			d.Threshold = match.DefaultThreshold // Search uses the calibrated default
		}
	}
	if err != nil {
		if errors.Is(err, app.ErrInvalid) {
			v.Error = userMessage(err)
			c.render(w, r, http.StatusBadRequest, "screen", v)
			return
		}
		c.serviceError(w, r, "screening", err)
		return
	}
	d.Searched = true
	// The matches carry their entity (for countries and programs).
	for i := range d.Matches {
		if d.Matches[i].Entity == nil {
			if e, err := c.cfg.Service.Entity(d.Matches[i].EntityID); err == nil {
				d.Matches[i].Entity = e
			}
		}
	}
	c.render(w, r, http.StatusOK, "screen", v)
}

// userMessage strips the "invalid input: " prefix app puts on validation
// errors, leaving the sentence that names the field.
func userMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, app.ErrInvalid.Error()+": "); i >= 0 {
		msg = msg[i+len(app.ErrInvalid.Error())+2:]
	}
	r, size := utf8.DecodeRuneInString(msg)
	if size == 0 {
		return "The input is not valid."
	}
	return string(unicode.ToUpper(r)) + msg[size:]
}
