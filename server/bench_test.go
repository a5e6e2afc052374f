package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// BenchmarkScreenAudited measures POST /v1/screen through the whole
// handler — decode, match against the embedded snapshot (all lists),
// append to a SQLite audit trail (group commit), encode — without the
// network, from GOMAXPROCS×8 concurrent callers. It reports audited
// screenings per second and the CPU time one costs:
//
//	go test ./server -run XXX -bench ScreenAudited -benchtime 5s
func BenchmarkScreenAudited(b *testing.B) {
	snap, err := snapshot.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix := match.NewIndex(snap.Entities)
	st, err := sqlite.Open(context.Background(), b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := app.New(app.Config{Index: ix, Snapshot: app.SnapshotInfo(snap), Store: st, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	srv, err := New(Config{Service: svc, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	_, key, err := st.CreateKey(context.Background(), "bench", store.RoleAnalyst, "bench")
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"Hikvision", "Acme Garden Furniture Ltd", "Hangzhou Hik-Vision Digital Tech Co", "John Smith", "Rosneft", "Huawei Technologies", "Jean Dupont", "Sberbank"}
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1/screen", strings.NewReader(`{"name":"`+names[i%len(names)]+`"}`))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Errorf("status %d: %s", rec.Code, rec.Body.String())
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "screenings/s")
}
