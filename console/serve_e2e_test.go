package console

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// clearanceServe builds ./cmd/clearance, creates the user with `clearance
// users create`, starts `clearance serve` on a free port of 127.0.0.1 with
// a fresh data directory, and returns its base URL. The server is stopped
// with SIGINT (graceful shutdown, as a user's Ctrl-C) at cleanup.
func clearanceServe(t *testing.T, user, role, password string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go tool on PATH to build clearance: %v", err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "clearance")
	build := exec.Command(goTool, "build", "-o", bin, "./cmd/clearance")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/clearance: %v\n%s", err, out)
	}
	dataDir := filepath.Join(tmp, "data")
	create := exec.Command(bin, "users", "create", "--name", user, "--role", role, "--password-stdin", "--data-dir", dataDir)
	create.Stdin = strings.NewReader(password + "\n")
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("clearance users create: %v\n%s", err, out)
	}
	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		serve.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- serve.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			serve.Process.Kill()
			t.Error("clearance serve did not stop within 15 s of SIGINT")
		}
	})
	// `serve` logs `msg=serving addr=http://127.0.0.1:PORT` once it listens;
	// the rest of its log is read and dropped (an unread pipe would block it).
	addrs := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg=serving addr=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- m[1]
			}
		}
	}()
	select {
	case base := <-addrs:
		return base
	case <-time.After(90 * time.Second):
		t.Fatal("clearance serve did not report its address within 90 s")
	}
	return ""
}
