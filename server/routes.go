package server

import (
	"net/http"
	"time"

	"github.com/clearance-oss/clearance/store"
)

// access says who may call a route.
type access int

const (
	accessKey     access = iota // an API key with at least the route's role
	accessPublic                // anyone (probes, the OpenAPI document)
	accessMetrics               // loopback callers, or an admin key
)

// route is one API operation. The table below is the single list of
// routes: the mux, the role checks, the route × role test and the OpenAPI
// sync test all read it.
type route struct {
	method    string
	path      string // net/http pattern syntax, which OpenAPI shares: /v1/entities/{id}
	operation string // OpenAPI operationId
	access    access
	role      store.Role // minimum role when access is accessKey
	cors      bool       // allow cross-origin browser calls (CSL compatibility)
	handle    handlerFunc
}

// transferTimeout bounds routes that move whole files (batch uploads and
// result downloads) instead of Config.RequestTimeout: a 32 MiB upload over
// a slow link legitimately takes longer than a screening may.
const transferTimeout = 5 * time.Minute

// timeout is how long one request on the route may take.
func (rt route) timeout(def time.Duration) time.Duration {
	if (rt.operation == "createBatch" || rt.operation == "batchResults" || rt.operation == "exportAudit") && def < transferTimeout {
		return transferTimeout
	}
	return def
}

// RouteInfo describes a route for documentation and tests.
type RouteInfo struct {
	Method    string
	Path      string
	Operation string
	Public    bool       // no key needed
	Metrics   bool       // loopback or admin
	Role      store.Role // minimum role when a key is needed
}

// Routes returns the route table.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.method, Path: rt.path, Operation: rt.operation,
			Public: rt.access == accessPublic, Metrics: rt.access == accessMetrics, Role: rt.role}
		if rt.access == accessMetrics {
			out[i].Role = store.RoleAdmin
		}
	}
	return out
}

func (s *Server) routeTable() []route {
	const (
		viewer  = store.RoleViewer
		analyst = store.RoleAnalyst
		admin   = store.RoleAdmin
	)
	get, post, del := http.MethodGet, http.MethodPost, http.MethodDelete
	return []route{
		{get, "/healthz", "health", accessPublic, "", false, s.health},
		{get, "/readyz", "ready", accessPublic, "", false, s.ready},
		{get, "/openapi.json", "openapi", accessPublic, "", true, s.openAPI},
		{get, "/metrics", "metrics", accessMetrics, admin, false, s.metricsHandler()},

		{post, "/v1/screen", "screen", accessKey, analyst, false, s.screen},
		{get, "/v1/search", "search", accessKey, viewer, false, s.search},
		{post, "/v1/check", "check", accessKey, analyst, false, s.check},
		{get, "/v1/lists", "lists", accessKey, viewer, false, s.lists},
		{get, "/v1/entities/{id}", "entity", accessKey, viewer, false, s.entity},
		{post, "/v1/batches", "createBatch", accessKey, analyst, false, s.createBatch},
		{get, "/v1/batches", "listBatches", accessKey, analyst, false, s.listBatches},
		{get, "/v1/batches/{id}", "batch", accessKey, analyst, false, s.batch},
		{get, "/v1/batches/{id}/results", "batchResults", accessKey, analyst, false, s.batchResults},

		{get, "/v1/keys", "listKeys", accessKey, admin, false, s.listKeys},
		{post, "/v1/keys", "createKey", accessKey, admin, false, s.createKey},
		{del, "/v1/keys/{id}", "revokeKey", accessKey, admin, false, s.revokeKey},
		{get, "/v1/settings", "settings", accessKey, admin, false, s.settings},
		{get, "/v1/audit", "audit", accessKey, admin, false, s.audit},
		{get, "/v1/audit/verify", "verifyAudit", accessKey, admin, false, s.verifyAudit},
		{get, "/v1/audit/export", "exportAudit", accessKey, admin, false, s.auditExport},

		{get, "/consolidated_screening_list/v1/search", "cslSearch", accessKey, viewer, true, s.cslSearch},
		{get, "/consolidated_screening_list/v1/sources", "cslSources", accessKey, viewer, true, s.cslSources},
	}
}
