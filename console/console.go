// Package console is Clearance's web console for compliance analysts:
// server-rendered pages (html/template) with a little progressive-enhancement
// JavaScript, every asset embedded in the binary, no CDN and no framework.
//
// The console does nothing of its own: screening, determinations, batches,
// lists and the audit trail go through the same service functions the HTTP
// API calls, with the signed-in user as the actor, so every action is
// audited the same way. A Console is an http.Handler for the root of the
// server (the API server passes it every path the API does not claim); it
// serves /login, /logout, /, /screen, /entities/{id}, /check, /batches…,
// /lists, /audit…, /admin… and /static/…. See docs/console.md.
package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/clearance-oss/clearance/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the console needs from the rest of the program.
type Config struct {
	// Service runs the operations; the API calls the same one.
	Service Service
	// Accounts signs users in and keeps sessions.
	Accounts Accounts
	// SecureCookies sets the Secure attribute on cookies even when the
	// request did not arrive over TLS (a TLS-terminating proxy in front).
	SecureCookies bool
	// MaxUploadBytes limits a batch upload (and any form body); 0 means 32 MiB.
	MaxUploadBytes int64
	// Node names this server in the audit records the console itself
	// writes (sign-ins, audit exports); use the same value as app.Config.Node.
	Node string
	// Logger receives server-side errors; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Console is the web console. It is an http.Handler.
type Console struct {
	cfg   Config
	mux   *http.ServeMux
	pages map[string]*template.Template
	log   *slog.Logger
	// throttle slows password guessing (see throttle.go).
	throttle signInThrottle
}

// New builds the console and parses its templates; an error names the
// template that failed.
func New(cfg Config) (*Console, error) {
	if cfg.Service == nil {
		return nil, errors.New("console: Config.Service is nil")
	}
	if cfg.Accounts == nil {
		return nil, errors.New("console: Config.Accounts is nil")
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 32 << 20
	}
	c := &Console{cfg: cfg, mux: http.NewServeMux(), pages: map[string]*template.Template{}, log: cfg.Logger}
	if c.log == nil {
		c.log = slog.Default()
	}
	if err := c.parseTemplates(); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

// ServeHTTP serves the console. Cross-origin state-changing requests are
// refused before any handler runs (Fetch metadata / Origin checks, in
// addition to the per-session CSRF token every form carries).
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("X-Frame-Options", "DENY")
	// Everything is served from this origin: no inline script, no CDN.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	crossOrigin.Handler(c.mux).ServeHTTP(w, r)
}

var crossOrigin = http.NewCrossOriginProtection()

func (c *Console) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}

func (c *Console) routes() {
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	c.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	}))
	c.mux.HandleFunc("GET /login", c.loginPage)
	c.mux.HandleFunc("POST /login", c.loginSubmit)
	c.mux.HandleFunc("POST /logout", c.requireRole(Viewer, c.logout))

	c.mux.HandleFunc("GET /{$}", c.requireRole(Viewer, c.screenPage))
	c.mux.HandleFunc("GET /screen", c.requireRole(Viewer, c.screenPage))
	c.mux.HandleFunc("GET /entities/{id}", c.requireRole(Viewer, c.entityPage))
	c.mux.HandleFunc("GET /lists", c.requireRole(Viewer, c.listsPage))

	c.mux.HandleFunc("GET /check", c.requireRole(Analyst, c.checkPage))
	c.mux.HandleFunc("POST /check", c.requireRole(Analyst, c.checkSubmit))

	c.mux.HandleFunc("GET /batches", c.requireRole(Analyst, c.batchesPage))
	c.mux.HandleFunc("POST /batches", c.requireRole(Analyst, c.batchUpload))
	c.mux.HandleFunc("GET /batches/{id}", c.requireRole(Analyst, c.batchPage))
	c.mux.HandleFunc("GET /batches/{id}/status", c.requireRole(Analyst, c.batchStatus))
	c.mux.HandleFunc("GET /batches/{id}/{file}", c.requireRole(Analyst, c.batchDownload))

	// Reading the audit trail is an admin operation in the API too.
	c.mux.HandleFunc("GET /audit", c.requireRole(Admin, c.auditPage))
	c.mux.HandleFunc("POST /audit/verify", c.requireRole(Admin, c.auditVerify))
	c.mux.HandleFunc("GET /audit/{file}", c.requireRole(Admin, c.auditExport))

	c.mux.HandleFunc("GET /admin", c.requireRole(Admin, c.adminPage))
	c.mux.HandleFunc("POST /admin/users", c.requireRole(Admin, c.createUser))
	c.mux.HandleFunc("POST /admin/users/disable", c.requireRole(Admin, c.disableUser))
	c.mux.HandleFunc("POST /admin/keys", c.requireRole(Admin, c.createKey))
	c.mux.HandleFunc("POST /admin/keys/revoke", c.requireRole(Admin, c.revokeKey))

	c.mux.HandleFunc("/", c.notFound)
}

// view is what every page template receives.
type view struct {
	Title   string
	Nav     string // the nav entry to mark current
	Session *Session
	Flash   string
	Error   string
	Data    any
	Footer  string
	Refresh int // seconds: a meta refresh for pages that change without JavaScript
}

// Can reports whether the signed-in user has role need (templates hide
// what the user cannot use).
func (v view) Can(need string) bool {
	return v.Session != nil && v.Session.Role.Allows(store.Role(need))
}

var pageNames = []string{"login", "error", "screen", "entity", "check", "batches", "batch", "lists", "audit", "admin"}

func (c *Console) parseTemplates() error {
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("console: template %s: %w", name, err)
		}
		c.pages[name] = t
	}
	return nil
}

// render executes a page into a buffer first so that a template error
// becomes a clean 500 instead of half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if s, ok := sessionFrom(r.Context()); ok {
		v.Session = &s
	}
	if v.Footer == "" {
		v.Footer = c.footer(r)
	}
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		c.log.Error("console: render", "page", page, "err", err)
		http.Error(w, "console: page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (c *Console) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c.render(w, r, status, "error", view{Title: http.StatusText(status), Error: msg, Data: status})
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	if s, ok := c.currentSession(r); ok {
		r = r.WithContext(contextWithSession(r.Context(), s))
	}
	c.renderError(w, r, http.StatusNotFound, "There is no page at "+r.URL.Path+".")
}

// loginPage shows the sign-in form with a fresh double-submit token.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.currentSession(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	c.showLogin(w, r, http.StatusOK, "", "")
}

type loginData struct {
	CSRF     string
	Next     string
	Username string
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, username, errMsg string) {
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{
		Name: loginCSRFCookie, Value: tok, Path: "/login", MaxAge: 3600,
		HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode,
	})
	next := r.FormValue("next")
	c.render(w, r, status, "login", view{Title: "Sign in", Error: errMsg,
		Data: loginData{CSRF: tok, Next: safeNext(next), Username: username}})
}

func (c *Console) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		c.showLogin(w, r, http.StatusBadRequest, "", "The sign-in form could not be read: "+err.Error())
		return
	}
	ck, err := r.Cookie(loginCSRFCookie)
	if err != nil || !tokensEqual(ck.Value, r.PostFormValue("csrf")) {
		c.showLogin(w, r, http.StatusForbidden, "", "The sign-in form expired. Please try again.")
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	if username == "" || password == "" {
		c.showLogin(w, r, http.StatusBadRequest, username, "Enter your user name and password.")
		return
	}
	addr := clientAddr(r)
	if until, locked := c.throttle.blocked(username, addr, c.now()); locked {
		c.showLogin(w, r, http.StatusTooManyRequests, username, fmt.Sprintf(
			"Too many wrong passwords for %s from this computer. Try again in %d minutes, or ask an administrator.",
			username, int(until.Sub(c.now()).Minutes())+1))
		return
	}
	ctx := context.WithValue(r.Context(), originKey{}, addr)
	s, err := c.cfg.Accounts.SignIn(ctx, username, password)
	if err != nil {
		if errors.Is(err, ErrBadCredentials) {
			c.throttle.failed(username, addr, c.now())
			c.showLogin(w, r, http.StatusUnauthorized, username, "Unknown user name or wrong password.")
			return
		}
		c.log.Error("console: sign-in", "user", username, "err", err)
		c.showLogin(w, r, http.StatusInternalServerError, username, "Sign-in failed on the server; the error was logged.")
		return
	}
	c.throttle.succeeded(username, addr)
	c.clearCookie(w, r, loginCSRFCookie, "/login")
	c.setSessionCookie(w, r, s)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	s, _ := sessionFrom(r.Context())
	if err := c.cfg.Accounts.SignOut(context.WithValue(r.Context(), originKey{}, clientAddr(r)), s.Token); err != nil {
		c.log.Error("console: sign-out", "user", s.Username, "err", err)
	}
	c.clearCookie(w, r, sessionCookie, "/")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on this site: only a local path
// is followed, anything else goes home. Browsers drop tabs and newlines
// from URLs and read "\" as "/", so "/\t/evil.example" would become
// "//evil.example": any control character or backslash is refused.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/login") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
