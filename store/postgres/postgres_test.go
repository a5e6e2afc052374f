package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/postgres"
	"github.com/clearance-oss/clearance/store/storetest"
)

// testURL is the database the suite runs against; CI sets it to
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
func testURL(t *testing.T) string {
	u := os.Getenv("CLEARANCE_TEST_POSTGRES_URL")
	if u == "" {
		t.Skip("CLEARANCE_TEST_POSTGRES_URL not set: skipping PostgreSQL tests")
	}
	return u
}

// freshSchema creates an empty schema for one test, dropped at cleanup, and
// returns url pointing at it via search_path.
func freshSchema(t *testing.T, url string) string {
	t.Helper()
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := store.NewToken(6)
	if err != nil {
		t.Fatal(err)
	}
	schema := "clearance_test_" + tok
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

func backend(url string) storetest.Backend {
	return storetest.Backend{
		NewDatabase: func(t *testing.T) func() store.Store {
			u := freshSchema(t, url)
			return func() store.Store {
				s, err := postgres.Open(context.Background(), u, postgres.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		},
		DropAuditTriggers: []string{
			`DROP TRIGGER audit_records_no_update ON audit_records`,
			`DROP TRIGGER audit_records_no_delete ON audit_records`,
		},
	}
}

func TestStore(t *testing.T) { storetest.Run(t, backend(testURL(t))) }

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true, "./clearance-data": false, "sqlite://x": false, "": false,
	} {
		if got := postgres.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v", s, got)
		}
	}
}
