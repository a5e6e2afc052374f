package store

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// KeyPrefix starts every API key, so that a leaked key is recognisable
// (secret scanners, logs) and a mistyped credential is rejected early.
const KeyPrefix = "clr_"

// API key layout: clr_<id>_<secret>. The id (8 random bytes, hex) is public
// and indexes the row; the secret is 32 random bytes in lower-case base32.
const (
	keyIDBytes     = 8
	keySecretBytes = 32
)

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewKey returns a fresh plaintext API key, its id and the hash to store.
func NewKey() (plaintext, id, hash string, err error) {
	idb := make([]byte, keyIDBytes)
	secret := make([]byte, keySecretBytes)
	if _, err := rand.Read(idb); err != nil {
		return "", "", "", fmt.Errorf("store: random key id: %w", err)
	}
	if _, err := rand.Read(secret); err != nil {
		return "", "", "", fmt.Errorf("store: random key secret: %w", err)
	}
	id = hex.EncodeToString(idb)
	plaintext = KeyPrefix + id + "_" + strings.ToLower(keyEncoding.EncodeToString(secret))
	return plaintext, id, HashKey(plaintext), nil
}

// ParseKey returns the id embedded in a presented key, or ok false when the
// key does not have the clr_<id>_<secret> shape.
func ParseKey(presented string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(presented, KeyPrefix)
	if !ok {
		return "", false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 2*keyIDBytes || len(secret) != keyEncoding.EncodedLen(keySecretBytes) {
		return "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", false
	}
	return id, true
}

// HashKey is the stored form of an API key: hex SHA-256. A fast hash is
// right here, unlike for passwords: the key carries 256 random bits, so
// guessing it from its hash is infeasible however fast the hash, and a
// cheap hash keeps key checks off the request's critical path.
func HashKey(plaintext string) string {
	sum := sha256.Sum256([]byte(plaintext))
	return hex.EncodeToString(sum[:])
}

// KeyHashMatches compares a presented key with a stored hash in constant time.
func KeyHashMatches(presented, storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashKey(presented)), []byte(storedHash)) == 1
}

// NewToken returns a random token (hex of n random bytes), used for session
// tokens, CSRF tokens and row ids.
func NewToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// HashToken is the stored form of a session token (hex SHA-256), for the
// same reason as HashKey.
func HashToken(token string) string { return HashKey(token) }

// Password limits. bcrypt reads at most 72 bytes; rather than silently
// ignore the rest we refuse longer passwords.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// PasswordCost is the bcrypt cost for new password hashes (tests lower it).
var PasswordCost = 12

// HashPassword returns the bcrypt hash of password after checking its length.
func HashPassword(password string) (string, error) {
	if !utf8.ValidString(password) {
		return "", fmt.Errorf("%w: password: invalid UTF-8", ErrInvalid)
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLen {
		return "", fmt.Errorf("%w: password: %d characters, need at least %d", ErrInvalid, n, MinPasswordLen)
	}
	if len(password) > MaxPasswordLen {
		return "", fmt.Errorf("%w: password: %d bytes, at most %d", ErrInvalid, len(password), MaxPasswordLen)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("store: hashing password: %w", err)
	}
	return string(h), nil
}

var (
	dummyOnce sync.Once
	dummyHash []byte
)

// CheckPassword reports whether password matches hash. With hash "" (no
// such user) it still spends a bcrypt comparison, so response times do not
// tell which user names exist.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		dummyOnce.Do(func() {
			dummyHash, _ = bcrypt.GenerateFromPassword([]byte("clearance-no-such-user"), PasswordCost)
		})
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	return err == nil && !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword)
}

// CheckName validates a key or user name: 1–100 characters of printable
// UTF-8 without NUL.
func CheckName(field, name string) error {
	if err := CheckText(field, name); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(name); n == 0 || n > 100 {
		return fmt.Errorf("%w: field %q: %d characters, want 1 to 100", ErrInvalid, field, n)
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf("%w: field %q: leading or trailing space", ErrInvalid, field)
	}
	return nil
}
