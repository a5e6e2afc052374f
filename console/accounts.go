package console

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/clearance-oss/clearance/store"
)

// DefaultSessionTTL is how long a console session lasts. Eight hours is one
// working day: an analyst signs in once in the morning.
const DefaultSessionTTL = 8 * time.Hour

// AccountStore is what StoreAccounts needs from the store: users, sessions
// and the audit trail (sign-ins and sign-outs are audited).
type AccountStore interface {
	store.UserStore
	store.SessionStore
	store.AuditTrail
}

// StoreAccounts implements Accounts on the store: passwords checked by the
// store's slow hash, sessions kept (hashed) in the database so that several
// server replicas share them, and every sign-in attempt recorded in the
// audit trail.
type StoreAccounts struct {
	Store AccountStore
	TTL   time.Duration // 0 means DefaultSessionTTL
	// Node names this server in audit records ("on what equipment",
	// 15 CFR 762.5(b)(8)).
	Node string
}

// SignIn implements Accounts.
func (a *StoreAccounts) SignIn(ctx context.Context, username, password string) (Session, error) {
	u, err := a.Store.AuthenticateUser(ctx, username, password)
	if err != nil {
		if errors.Is(err, store.ErrBadCredentials) || errors.Is(err, store.ErrNotFound) {
			a.audit(ctx, store.Record{Actor: "user:" + username, Kind: store.KindLogin, Decision: "denied"})
			return Session{}, ErrBadCredentials
		}
		return Session{}, fmt.Errorf("console: sign in %q: %w", username, err)
	}
	ttl := a.TTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	s, token, err := a.Store.CreateSession(ctx, u.ID, ttl)
	if err != nil {
		return Session{}, fmt.Errorf("console: sign in %q: create session: %w", username, err)
	}
	if err := a.audit(ctx, store.Record{Actor: "user:" + u.Name, Kind: store.KindLogin, Decision: "ok"}); err != nil {
		// A sign-in that cannot be audited does not happen.
		a.Store.DeleteSession(ctx, token)
		return Session{}, err
	}
	return fromStoreSession(s, token), nil
}

// Session implements Accounts.
func (a *StoreAccounts) Session(ctx context.Context, token string) (Session, error) {
	s, err := a.Store.GetSession(ctx, token)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Session{}, ErrNoSession
		}
		return Session{}, fmt.Errorf("console: session: %w", err)
	}
	return fromStoreSession(s, token), nil
}

// SignOut implements Accounts.
func (a *StoreAccounts) SignOut(ctx context.Context, token string) error {
	s, err := a.Store.GetSession(ctx, token)
	if err != nil {
		return nil // already gone
	}
	if err := a.Store.DeleteSession(ctx, token); err != nil {
		return fmt.Errorf("console: sign out: %w", err)
	}
	return a.audit(ctx, store.Record{Actor: "user:" + s.User.Name, Kind: store.KindLogout, Decision: "ok"})
}

func (a *StoreAccounts) audit(ctx context.Context, r store.Record) error {
	r.Node = a.Node
	if o, ok := ctx.Value(originKey{}).(string); ok {
		r.Origin = o
	}
	if _, err := a.Store.AppendAudit(ctx, r); err != nil {
		return fmt.Errorf("console: audit %s: %w", r.Kind, err)
	}
	return nil
}

// originKey carries the client address into the audit record of a sign-in.
type originKey struct{}

func fromStoreSession(s store.Session, token string) Session {
	return Session{
		Token: token, CSRF: s.CSRFToken, UserID: s.User.ID, Username: s.User.Name,
		Role: s.User.Role, Expires: s.ExpiresAt,
	}
}
