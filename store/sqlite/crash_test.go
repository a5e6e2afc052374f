package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// TestCrashLeavesNoHalfRecord kills a process that is appending audit
// records as fast as it can (SIGKILL: no deferred cleanup, no Close) and
// checks that the trail it leaves verifies: every record is either wholly
// committed or absent, and the chain head matches the last record.
func TestCrashLeavesNoHalfRecord(t *testing.T) {
	if os.Getenv("CLEARANCE_CRASH_CHILD_DIR") != "" {
		t.Skip("child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CLEARANCE_CRASH_CHILD_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child has committed a good number of records.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("child did not write 2000 records in time")
		}
		time.Sleep(50 * time.Millisecond)
		s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
		if err != nil {
			continue // not created yet
		}
		recs, err := s.ListAudit(context.Background(), store.Filter{Desc: true, Limit: 1})
		s.Close()
		if err == nil && len(recs) == 1 && recs[0].Seq >= 2000 {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.VerifyAudit(context.Background())
	if err != nil || !rep.OK || rep.Records < 2000 {
		t.Fatalf("after SIGKILL: %+v %v", rep, err)
	}
	r, err := s.AppendAudit(context.Background(), store.Record{Kind: store.KindScreen, Actor: "after-crash"})
	if err != nil || r.Seq != rep.HeadSeq+1 {
		t.Fatalf("append after crash: seq %d (head %d), %v", r.Seq, rep.HeadSeq, err)
	}
	t.Logf("killed after %d committed records; chain intact", rep.Records)
}

// TestCrashChild is the process TestCrashLeavesNoHalfRecord kills.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("CLEARANCE_CRASH_CHILD_DIR")
	if dir == "" {
		t.Skip("only run as the child of TestCrashLeavesNoHalfRecord")
	}
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for w := 0; w < 16; w++ {
		go func() {
			for {
				s.AppendAudit(context.Background(), store.Record{Kind: store.KindScreen, Actor: "child",
					Parties: []string{"Hangzhou Hikvision"}, Request: []byte(`{"name":"Hangzhou Hikvision"}`)})
			}
		}()
	}
	time.Sleep(30 * time.Second) // until killed; the timeout only guards against an orphaned child
}
