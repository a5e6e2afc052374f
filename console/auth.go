package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/clearance-oss/clearance/store"
)

// The roles, as the API has them: viewer searches and reads; analyst also
// screens, checks and runs batches; admin also manages users and keys.
const (
	Viewer  = store.RoleViewer
	Analyst = store.RoleAnalyst
	Admin   = store.RoleAdmin
)

// Session is a signed-in user's session as the console sees it.
type Session struct {
	Token    string     // secret, sent only in the HttpOnly cookie
	CSRF     string     // synchronizer token, embedded in every form
	UserID   string     // stable id of the user, recorded in the audit trail
	Username string     // what the user typed to sign in
	Role     store.Role // the user's role when the session was created
	Expires  time.Time  // after this the session is refused
}

// ErrBadCredentials is returned by Accounts.SignIn for an unknown user or a
// wrong password; the console shows one message for both so that sign-in
// does not reveal which user names exist.
var ErrBadCredentials = errors.New("console: unknown user or wrong password")

// ErrNoSession is returned by Accounts.Session for an unknown or expired token.
var ErrNoSession = errors.New("console: no such session")

// Accounts signs users in and keeps their sessions. StoreAccounts
// implements it on the store (users with slow password hashes, sessions
// with a CSRF token); the interface keeps the pages independent of how.
type Accounts interface {
	// SignIn checks the password and opens a session.
	SignIn(ctx context.Context, username, password string) (Session, error)
	// Session returns the live session with this token, or ErrNoSession.
	Session(ctx context.Context, token string) (Session, error)
	// SignOut ends the session; ending an unknown session is not an error.
	SignOut(ctx context.Context, token string) error
}

const (
	sessionCookie = "clearance_session"
	// loginCSRFCookie carries the double-submit token of the sign-in form,
	// which has no session yet (login CSRF would otherwise let another site
	// sign a victim into the attacker's account).
	loginCSRFCookie = "clearance_login_csrf"
)

type ctxKey struct{}

func contextWithSession(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}

// sessionFrom returns the session the request was authenticated with.
func sessionFrom(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(ctxKey{}).(Session)
	return s, ok
}

// randomToken returns 32 random bytes, URL-safe base64.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokensEqual compares secrets in constant time.
func tokensEqual(a, b string) bool {
	return a != "" && len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// secure reports whether cookies must carry the Secure attribute: always
// over TLS, and when the operator says a proxy terminates TLS.
func (c *Console) secure(r *http.Request) bool { return c.cfg.SecureCookies || r.TLS != nil }

func (c *Console) setSessionCookie(w http.ResponseWriter, r *http.Request, s Session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.Token, Path: "/", Expires: s.Expires,
		HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (c *Console) clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// requireRole wraps a page handler: no session → the sign-in page (with a
// return address); too weak a role → 403; a state-changing method without
// the session's CSRF token → 403.
func (c *Console) requireRole(need store.Role, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.currentSession(r)
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.renderError(w, r, http.StatusUnauthorized, "Your session has ended. Sign in again.")
			return
		}
		if !s.Role.Allows(need) {
			c.renderError(w, r.WithContext(contextWithSession(r.Context(), s)), http.StatusForbidden,
				"This page needs the "+string(need)+" role; you are signed in as "+string(s.Role)+".")
			return
		}
		r = r.WithContext(contextWithSession(r.Context(), s))
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, c.cfg.MaxUploadBytes)
			if err := parseForm(r); err != nil {
				status := http.StatusBadRequest
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					status = http.StatusRequestEntityTooLarge
					err = fmt.Errorf("the upload is larger than the limit of %d MiB", c.cfg.MaxUploadBytes>>20)
				}
				c.renderError(w, r, status, "The form could not be read: "+err.Error())
				return
			}
			if !tokensEqual(csrfFromRequest(r), s.CSRF) {
				c.renderError(w, r, http.StatusForbidden, "The form's security token is missing or out of date. Reload the page and try again.")
				return
			}
		}
		h(w, r)
	}
}

// parseForm reads a urlencoded or multipart body (uploads beyond 8 MiB
// spill to temporary files, removed by net/http after the request).
func parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(8 << 20)
	}
	return r.ParseForm()
}

// csrfFromRequest reads the token from the form field or, for fetch calls,
// the X-CSRF-Token header. Multipart forms are parsed by the caller's limit.
func csrfFromRequest(r *http.Request) string {
	if v := r.Header.Get("X-CSRF-Token"); v != "" {
		return v
	}
	return r.FormValue("csrf")
}

// currentSession resolves the session cookie.
func (c *Console) currentSession(r *http.Request) (Session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return Session{}, false
	}
	s, err := c.cfg.Accounts.Session(r.Context(), ck.Value)
	if err != nil {
		return Session{}, false
	}
	if !s.Expires.IsZero() && c.now().After(s.Expires) {
		return Session{}, false
	}
	return s, true
}
