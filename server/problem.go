package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/clearance-oss/clearance/app"
)

// problemBase is where the problem types are documented: docs/api.md has
// one section per type, so a client (or a human) can follow the link.
const problemBase = "https://github.com/clearance-oss/clearance/blob/main/docs/api.md#problem-"

// Problem is an RFC 9457 problem document. Every error the API returns is
// one, served as application/problem+json.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"` // extension: quote it when reporting a problem
}

// problemError is an error that knows its problem document.
type problemError struct {
	status int
	slug   string // problem type, the anchor in docs/api.md
	title  string
	detail string
	header http.Header // extra response headers (Allow, WWW-Authenticate, Retry-After)
}

func (e *problemError) Error() string { return e.title + ": " + e.detail }

// problemf builds a problem error; slug names the problem type.
func problemf(status int, slug, title, format string, args ...any) *problemError {
	return &problemError{status: status, slug: slug, title: title, detail: fmt.Sprintf(format, args...)}
}

// Problem types. Each has a section in docs/api.md.
const (
	slugInvalidJSON      = "invalid-json"
	slugInvalidRequest   = "invalid-request"
	slugInvalidUpload    = "invalid-upload"
	slugTooLarge         = "too-large"
	slugUnauthenticated  = "unauthenticated"
	slugForbidden        = "forbidden"
	slugNotFound         = "not-found"
	slugMethodNotAllowed = "method-not-allowed"
	slugUnsupportedMedia = "unsupported-media-type"
	slugUnavailable      = "unavailable"
	slugNotReady         = "not-ready"
	slugTimeout          = "timeout"
	slugInternal         = "internal"
)

// toProblem maps an error from a handler or from package app to a
// problem. Errors that are not recognised are internal: their text is
// logged, not shown (it may name files or SQL).
func toProblem(err error) (p *problemError, internal bool) {
	var pe *problemError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &pe):
		return pe, false
	case errors.As(err, &mbe):
		return problemf(http.StatusRequestEntityTooLarge, slugTooLarge, "Request body too large",
			"the body is larger than the limit of %d bytes", mbe.Limit), false
	case errors.Is(err, app.ErrInvalid):
		return problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "%s", trimSentinel(err, app.ErrInvalid)), false
	case errors.Is(err, app.ErrNotFound):
		return problemf(http.StatusNotFound, slugNotFound, "Not found", "%s", trimSentinel(err, app.ErrNotFound)), false
	case errors.Is(err, app.ErrForbidden):
		return problemf(http.StatusForbidden, slugForbidden, "Forbidden", "%s", trimSentinel(err, app.ErrForbidden)), false
	case errors.Is(err, app.ErrUnauthenticated):
		return unauthenticated(trimSentinel(err, app.ErrUnauthenticated)), false
	case errors.Is(err, app.ErrUnavailable):
		return problemf(http.StatusServiceUnavailable, slugUnavailable, "Service unavailable", "%s", trimSentinel(err, app.ErrUnavailable)), false
	case errors.Is(err, context.Canceled):
		// The client went away (or the server is shutting down); nobody
		// reads this answer, and nothing was answered without its record.
		return problemf(http.StatusServiceUnavailable, slugUnavailable, "Request cancelled", "the request was cancelled before it completed"), false
	case errors.Is(err, context.DeadlineExceeded):
		return problemf(http.StatusServiceUnavailable, slugTimeout, "Timed out", "the request took longer than the server allows; try again"), false
	}
	return problemf(http.StatusInternalServerError, slugInternal, "Internal server error",
		"the server could not complete the request; it has been logged under the request id"), true
}

// trimSentinel drops the sentinel's own text ("invalid input: ") from the
// front of err's message: the problem title already says it.
func trimSentinel(err, sentinel error) string {
	msg := err.Error()
	return strings.TrimPrefix(msg, sentinel.Error()+": ")
}

func unauthenticated(detail string) *problemError {
	p := problemf(http.StatusUnauthorized, slugUnauthenticated, "Unauthenticated", "%s", detail)
	p.header = http.Header{"Www-Authenticate": {`Bearer realm="clearance"`}}
	return p
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *problemError) {
	for k, vs := range p.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	doc := Problem{
		Type:      problemBase + p.slug,
		Title:     p.title,
		Status:    p.status,
		Detail:    p.detail,
		Instance:  r.URL.Path,
		RequestID: w.Header().Get("X-Request-Id"),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Del("Content-Length")
	w.WriteHeader(p.status)
	_ = json.NewEncoder(w).Encode(doc)
}
