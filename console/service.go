package console

import (
	"context"
	"io"
	"net"
	"net/http"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/store"
)

// Service is the part of app.Service the console uses; *app.Service
// implements it. The console calls nothing else for screening, checks,
// batches, lists or the audit trail, so what an analyst does in the browser
// is done — and audited — exactly as through the API.
type Service interface {
	Snapshot() app.Snapshot
	Entity(id string) (*clearance.Entity, error)
	Search(ctx context.Context, a app.Actor, req app.SearchRequest) (app.SearchResponse, error)
	Screen(ctx context.Context, a app.Actor, req app.ScreenRequest) (app.ScreenResponse, error)
	Check(ctx context.Context, a app.Actor, req app.CheckRequest) (app.CheckResponse, error)
	StartBatch(ctx context.Context, a app.Actor, req app.BatchRequest, upload io.Reader) (store.Batch, error)
	Batch(ctx context.Context, a app.Actor, id string) (store.Batch, error)
	Batches(ctx context.Context, a app.Actor, limit int) ([]store.Batch, error)
	WriteBatchResults(ctx context.Context, a app.Actor, id, format string, w io.Writer) error
	Audit(ctx context.Context, a app.Actor, f store.Filter) ([]store.Record, error)
	VerifyAudit(ctx context.Context, a app.Actor) (store.VerifyReport, error)
	ExportAudit(ctx context.Context, a app.Actor, f store.Filter, format string, w io.Writer) (int64, error)
	CreateKey(ctx context.Context, a app.Actor, req app.CreateKeyRequest) (app.CreatedKey, error)
	ListKeys(ctx context.Context, a app.Actor) ([]store.APIKey, error)
	RevokeKey(ctx context.Context, a app.Actor, id string) error
	// Store is used for what app has no operation for: console users, and
	// the audit records of the console's own actions.
	Store() store.Store
}

// actor is the signed-in user as the audit trail records them.
func actor(r *http.Request) app.Actor {
	s, _ := sessionFrom(r.Context())
	return app.Actor{ID: "user:" + s.Username, Role: s.Role, Origin: clientAddr(r)}
}

// clientAddr is the peer address without the port. The console does not
// trust X-Forwarded-For: a proxy that should be trusted is configured in
// the server, which rewrites RemoteAddr.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
