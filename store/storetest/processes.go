package storetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/clearance-oss/clearance/store"
)

// ChildEnv is the environment variable that makes the test binary act as
// an appending child process in TwoProcesses.
const ChildEnv = "CLEARANCE_STORETEST_CHILD"

// TwoProcesses starts the test binary twice as separate OS processes
// (running the test named childTest with ChildEnv set), each appending
// perProcess records from 8 goroutines to the same database, as two
// `clearance serve` replicas would. The children also race to create the
// schema when the database is new. Then it verifies the chain through a
// store from open. extraEnv tells the children which database to open.
func TwoProcesses(t *testing.T, open func() store.Store, childTest string, perProcess int, extraEnv ...string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	outs := make([][]byte, 2)
	for p := 0; p < 2; p++ {
		cmd := exec.Command(os.Args[0], "-test.run=^"+childTest+"$", "-test.count=1", "-test.v")
		cmd.Env = append(append(os.Environ(), extraEnv...), ChildEnv+"="+strconv.Itoa(perProcess))
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			outs[p], errs[p] = cmd.CombinedOutput()
		}(p)
	}
	wg.Wait()
	for p := range errs {
		if errs[p] != nil {
			t.Fatalf("child %d: %v\n%s", p, errs[p], outs[p])
		}
	}
	s := open()
	defer s.Close()
	rep, err := s.VerifyAudit(context.Background())
	if err != nil || !rep.OK || rep.Records != int64(2*perProcess) {
		t.Fatalf("after two processes appended %d each: %+v %v", perProcess, rep, err)
	}
	nodes, err := s.ListAudit(context.Background(), store.Filter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range nodes {
		seen[r.Node]++
	}
	if len(seen) != 2 {
		t.Fatalf("records from %d processes, want 2: %v", len(seen), seen)
	}
}

// ChildAppend is the body of the child test: when ChildEnv is set, it
// appends that many records through open() and returns true.
func ChildAppend(t *testing.T, open func() store.Store) bool {
	n, _ := strconv.Atoi(os.Getenv(ChildEnv))
	if n <= 0 {
		return false
	}
	s := open()
	defer s.Close()
	node := fmt.Sprintf("pid-%d", os.Getpid())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if _, err := s.AppendAudit(context.Background(), store.Record{Kind: store.KindScreen, Actor: "child",
					Node: node, Parties: []string{fmt.Sprintf("Party %d", i)}}); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	return true
}
