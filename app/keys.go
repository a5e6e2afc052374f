package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clearance-oss/clearance/store"
)

// ErrUnauthenticated: no key was presented, or it is unknown or revoked.
var ErrUnauthenticated = errors.New("unauthenticated")

// keyCache remembers recent key lookups so a busy client does not cost a
// database read per request. Entries are keyed by a hash of the presented
// key, never the key itself.
type keyCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[[32]byte]keyEntry
}

type keyEntry struct {
	key     store.APIKey
	expires time.Time
}

// maxCachedKeys bounds the cache: a flood of random keys cannot grow it.
const maxCachedKeys = 10_000

func newKeyCache(ttl time.Duration, now func() time.Time) *keyCache {
	return &keyCache{ttl: ttl, now: now, entries: map[[32]byte]keyEntry{}}
}

func (c *keyCache) get(h [32]byte) (store.APIKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[h]
	if !ok || c.now().After(e.expires) {
		return store.APIKey{}, false
	}
	return e.key, true
}

func (c *keyCache) put(h [32]byte, k store.APIKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedKeys {
		clear(c.entries)
	}
	c.entries[h] = keyEntry{key: k, expires: c.now().Add(c.ttl)}
}

// forget drops every cached entry of the key with the given id.
func (c *keyCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.key.ID == id {
			delete(c.entries, h)
		}
	}
}

// Authenticate returns the actor for a presented API key, or an error
// wrapping ErrUnauthenticated. Only successful lookups are cached, so a
// key created a moment ago works at once.
func (s *Service) Authenticate(ctx context.Context, presented, origin string) (Actor, error) {
	presented = strings.TrimSpace(presented)
	if presented == "" {
		return Actor{}, fmt.Errorf("%w: no API key presented", ErrUnauthenticated)
	}
	h := sha256.Sum256([]byte(presented))
	k, ok := s.keys.get(h)
	if !ok {
		var err error
		k, err = s.store.LookupKey(ctx, presented)
		if errors.Is(err, store.ErrNotFound) {
			return Actor{}, fmt.Errorf("%w: unknown or revoked API key", ErrUnauthenticated)
		}
		if err != nil {
			return Actor{}, fmt.Errorf("look up API key: %w", err)
		}
		s.keys.put(h, k)
	}
	return Actor{ID: "key:" + k.ID, Role: k.Role, Origin: origin}, nil
}

// CreateKeyRequest asks for a new API key.
type CreateKeyRequest struct {
	Name string     `json:"name"`
	Role store.Role `json:"role"`
}

// CreatedKey is a new key with its secret, shown once.
type CreatedKey struct {
	store.APIKey
	Key string `json:"key"` // the secret; only a hash of it is stored
}

// CreateKey makes a new API key (admin only) and audits it. The audit
// record holds the key's id, name and role, never the secret.
func (s *Service) CreateKey(ctx context.Context, a Actor, req CreateKeyRequest) (CreatedKey, error) {
	if err := a.allow(store.RoleAdmin); err != nil {
		return CreatedKey{}, err
	}
	if _, err := store.ParseRole(string(req.Role)); err != nil {
		return CreatedKey{}, invalidf("field \"role\": %q is not a role (want viewer, analyst or admin)", req.Role)
	}
	if len(req.Name) > 200 {
		return CreatedKey{}, invalidf("field \"name\": longer than 200 bytes")
	}
	k, secret, err := s.store.CreateKey(ctx, req.Name, req.Role, a.ID)
	if err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return CreatedKey{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		return CreatedKey{}, fmt.Errorf("create key: %w", err)
	}
	if _, err := s.audit(ctx, a, store.KindKeyCreate, "", nil, nil, "ok", req, k); err != nil {
		return CreatedKey{}, err
	}
	return CreatedKey{APIKey: k, Key: secret}, nil
}

// ListKeys returns every API key, revoked ones included (admin only).
func (s *Service) ListKeys(ctx context.Context, a Actor) ([]store.APIKey, error) {
	if err := a.allow(store.RoleAdmin); err != nil {
		return nil, err
	}
	ks, err := s.store.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	if ks == nil {
		ks = []store.APIKey{}
	}
	return ks, nil
}

// RevokeKey revokes a key (admin only) and audits it. It takes effect on
// this instance at once and on other replicas within the key cache TTL.
func (s *Service) RevokeKey(ctx context.Context, a Actor, id string) error {
	if err := a.allow(store.RoleAdmin); err != nil {
		return err
	}
	if err := s.store.RevokeKey(ctx, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: key %q", ErrNotFound, id)
		}
		return fmt.Errorf("revoke key: %w", err)
	}
	s.keys.forget(id)
	_, err := s.audit(ctx, a, store.KindKeyRevoke, "", nil, nil, "ok", map[string]string{"id": id}, nil)
	return err
}
