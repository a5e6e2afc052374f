package server

import (
	_ "embed"
	"net/http"

	"github.com/clearance-oss/clearance/app"
)

// openAPIDocument is the OpenAPI 3.1 description of every route. It is a
// data file, edited by hand; TestOpenAPIMatchesRoutes fails when it and
// the route table disagree.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3.1 document served at /openapi.json.
func OpenAPI() []byte { return append([]byte(nil), openAPIDocument...) }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDocument)
	return nil
}
