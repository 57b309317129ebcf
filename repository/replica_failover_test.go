package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// A read sent to a replica that has just gone away (before the router's next check noticed)
// runs again on the primary instead of failing, and the replica serves nothing more.
func TestReplicaReadFailsOverToThePrimary(t *testing.T) {
	primary, _ := testdb.New(t)
	// Nothing listens on port 1: every connection is refused.
	gone, err := sqlx.Open("postgres", "postgres://nobody:nothing@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer gone.Close()
	ctx := context.Background()
	r := repository.StartReplica(ctx, primary, gone, repository.ReplicaOptions{PollInterval: time.Hour}, nil)
	defer r.Close()
	if st := r.Status(); st.State != "down" || st.ReadsFrom != "primary" {
		t.Errorf("status %+v, want down and read from the primary", st)
	}
	r.ForceServing()
	if st := r.Status(); st.ReadsFrom != "replica" {
		t.Fatalf("status %+v, want read from the replica", st)
	}
	var n []int
	if err := sqlx.SelectContext(ctx, r, &n, `SELECT 1`); err != nil || len(n) != 1 || n[0] != 1 {
		t.Fatalf("read: %v, %v", n, err)
	}
	if st := r.Status(); st.ReadsFrom != "primary" {
		t.Errorf("status %+v after a failed read, want read from the primary", st)
	}
	if onReplica, onPrimary := r.Queries(); onReplica != 1 || onPrimary != 1 {
		t.Errorf("queries: %d on the replica, %d on the primary; want 1 and 1 (the retry)", onReplica, onPrimary)
	}
}
