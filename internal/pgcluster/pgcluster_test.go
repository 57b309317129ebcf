package pgcluster

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// clusterDir is a folder the postgres user can reach when the tests run as root.
func clusterDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755)
	}
	return filepath.Join(dir, "pg")
}

func TestStartServeStopLeavesNothingRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	dir := clusterDir(t)
	c, err := Start(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.URL(), "127.0.0.1:") || strings.Contains(c.URL(), "localhost") {
		t.Errorf("URL %q is not loopback-only", c.URL())
	}
	db, err := sql.Open("postgres", c.URL())
	if err != nil {
		t.Fatal(err)
	}
	var listen string
	if err := db.QueryRow(`SHOW listen_addresses`).Scan(&listen); err != nil {
		t.Fatal(err)
	}
	var super bool
	if err := db.QueryRow(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || super {
		t.Errorf("the application connects as a superuser (%v)", err)
	}
	db.Close()
	if listen != "127.0.0.1" {
		t.Errorf("listen_addresses = %q", listen)
	}
	pidFile := filepath.Join(dir, "data", "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])

	// A second run on the same folder is refused while the first holds it.
	if _, err := Start(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second start: %v", err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid still there: %v", err)
	}
	// pg_ctl returns once the pid file is gone; the process exits an instant later.
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("postgres (pid %d) still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The cluster starts again from its folder, with the same password.
	c, err = Start(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestFindBinariesNamesThePackage(t *testing.T) {
	if !strings.Contains(ErrNoServer.Error(), "apt-get install postgresql") || strings.Contains(ErrNoServer.Error(), "\n") {
		t.Errorf("the error must be one line naming the package: %q", ErrNoServer)
	}
	if _, err := FindBinaries(); err != nil {
		t.Skip("no PostgreSQL server binaries here")
	}
}
