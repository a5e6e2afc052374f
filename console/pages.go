package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
)

// footer names the data the answers come from.
func (c *Console) footer(r *http.Request) string {
	snap := c.cfg.Service.Snapshot()
	return "Clearance · list snapshot " + snap.Version + " · every action is recorded in the audit trail (15 CFR 762)"
}

// serviceError maps an app error to a page: bad input 400, unknown 404,
// role 403, anything else a logged 500 without internals.
func (c *Console) serviceError(w http.ResponseWriter, r *http.Request, op string, err error) {
	switch {
	case errors.Is(err, app.ErrInvalid):
		c.renderError(w, r, http.StatusBadRequest, err.Error())
	case errors.Is(err, app.ErrNotFound):
		c.renderError(w, r, http.StatusNotFound, err.Error())
	case errors.Is(err, app.ErrForbidden):
		c.renderError(w, r, http.StatusForbidden, err.Error())
	case errors.Is(err, app.ErrUnavailable):
		c.renderError(w, r, http.StatusServiceUnavailable, err.Error())
	default:
		c.log.Error("console: "+op, "err", err, "path", r.URL.Path)
		c.renderError(w, r, http.StatusInternalServerError, op+" failed on the server; the error was logged.")
	}
}

type listsData struct {
	Snapshot app.Snapshot
	Total    int
}

func (c *Console) listsPage(w http.ResponseWriter, r *http.Request) {
	snap := c.cfg.Service.Snapshot()
	d := listsData{Snapshot: snap}
	for _, s := range snap.Sources {
		d.Total += s.Entries
	}
	c.render(w, r, http.StatusOK, "lists", view{Title: "Lists", Nav: "lists", Data: d})
}

type entityData struct {
	Entity   *clearance.Entity
	ListName string
	Agency   string
	Snapshot string
	Back     string
	CheckURL string // the check form prefilled with this party
}

func (c *Console) entityPage(w http.ResponseWriter, r *http.Request) {
	e, err := c.cfg.Service.Entity(r.PathValue("id"))
	if err != nil {
		c.serviceError(w, r, "entity", err)
		return
	}
	d := entityData{Entity: e, Snapshot: c.cfg.Service.Snapshot().Version, Back: "/screen"}
	cq := url.Values{"party": {e.Name}}
	if len(e.Countries) > 0 {
		cq.Set("destination", e.Countries[0])
	}
	d.CheckURL = "/check?" + cq.Encode()
	if m, ok := e.List.Meta(); ok {
		d.ListName, d.Agency = m.Name, m.Agency
	}
	// Back to the result list the analyst came from, if it was ours.
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/screen") {
		d.Back = ref.RequestURI()
	}
	c.render(w, r, http.StatusOK, "entity", view{Title: e.Name, Nav: "screen", Data: d})
}
