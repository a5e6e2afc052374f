package main

import (
	"net/http"
	"os"

	"github.com/clearance-oss/clearance/console"
)

// The web console is served by `clearance serve` at every path the API
// does not claim: sign in at http://ADDR/login with a user made by
// `clearance users create`.
func init() {
	mountConsole = func(m ConsoleMount) (http.Handler, error) {
		return console.New(console.Config{
			Service:        m.Service,
			Accounts:       &console.StoreAccounts{Store: m.Store, Node: m.Node},
			Node:           m.Node,
			Logger:         m.Log,
			MaxUploadBytes: m.MaxUploadBytes,
			SecureCookies:  envSecureCookies(),
		})
	}
}

// envSecureCookies reads CLEARANCE_SECURE_COOKIES=true: set it when a
// TLS-terminating proxy is in front, so the session cookie is marked
// Secure although the request reaches clearance over plain HTTP. (Over
// direct TLS the console marks it Secure by itself.)
func envSecureCookies() bool { return os.Getenv("CLEARANCE_SECURE_COOKIES") == "true" }
