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

func TestReplicaStreamsPausesAndRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two PostgreSQL servers")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := clusterDir(t)
	c, err := Start(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	started := time.Now()
	r, err := c.StartReplica(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("replica made and started in %s", time.Since(started).Round(time.Millisecond))
	if !strings.Contains(r.URL(), "127.0.0.1:") || r.URL() == c.URL() {
		t.Errorf("replica URL %q", r.URL())
	}
	primary, err := sql.Open("postgres", c.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	replica, err := sql.Open("postgres", r.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()

	exec := func(q string) {
		t.Helper()
		if _, err := primary.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	count := func() int {
		t.Helper()
		var n int
		if err := replica.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	exec(`CREATE TABLE t (n int)`)
	exec(`INSERT INTO t VALUES (1)`)
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("the replica has %d rows, want 1", n)
	}
	var recovering bool
	if err := replica.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&recovering); err != nil || !recovering {
		t.Errorf("the replica is not a standby (%v)", err)
	}
	if _, err := replica.ExecContext(ctx, `INSERT INTO t VALUES (2)`); err == nil {
		t.Error("the replica took a write")
	}

	// Paused, it keeps serving what it had.
	if err := r.PauseReplay(ctx); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO t VALUES (2)`)
	time.Sleep(300 * time.Millisecond)
	if n := count(); n != 1 {
		t.Errorf("a paused replica shows %d rows, want 1", n)
	}
	if err := r.ResumeReplay(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Errorf("the resumed replica shows %d rows, want 2", n)
	}

	// Stopped, it leaves no process; started again from its folder, it streams what it missed.
	b, err := os.ReadFile(filepath.Join(dir, "replica", "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	replica.Close()
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the replica's postgres (pid %d) still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	exec(`INSERT INTO t VALUES (3)`)
	started = time.Now()
	if r, err = c.StartReplica(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("replica restarted in %s", time.Since(started).Round(time.Millisecond))
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	replica, err = sql.Open("postgres", r.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	if n := count(); n != 3 {
		t.Errorf("the restarted replica shows %d rows, want 3", n)
	}
}
