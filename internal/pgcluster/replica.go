package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// SlotName is the physical replication slot that keeps, on the primary, the WAL its streaming
// replica has not received yet (bounded by max_slot_wal_keep_size, see start).
const SlotName = "diaspora_replica"

// Replica is a hot standby of a Cluster: PostgreSQL's own streaming replication, copied from the
// primary with pg_basebackup and kept up to date by a WAL receiver (primary_conninfo, a
// replication slot, standby.signal). It lives in the replica/ folder of the primary's folder,
// listens on 127.0.0.1 only, on a port of its own, and accepts read-only sessions of the same
// roles and passwords as the primary.
type Replica struct {
	primary *Cluster
	dir     string // <primary dir>/replica: data/, postgres.log, replica.conf
	port    int
}

func (r *Replica) dataDir() string { return filepath.Join(r.dir, "data") }

// StartReplica starts the primary's streaming replica, making it first (a base backup of the
// primary and a replication slot) when its folder is new, or when the primary no longer holds
// the WAL it needs. pg_ctl returns once the standby accepts read-only sessions; it may still be
// catching up (WaitCaughtUp). The replica is stopped by Stop, or by the primary's Stop.
func (c *Cluster) StartReplica(ctx context.Context) (*Replica, error) {
	if c.replica != nil {
		return c.replica, nil
	}
	r := &Replica{primary: c, dir: filepath.Join(c.dir, "replica")}
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return nil, fmt.Errorf("pgcluster: create %s: %w", r.dir, err)
	}
	if err := c.chown(r.dir); err != nil {
		return nil, err
	}
	fresh, err := r.needsBaseBackup(ctx)
	if err != nil {
		return nil, err
	}
	if fresh {
		if err := r.baseBackup(ctx); err != nil {
			return nil, err
		}
	}
	if err := r.start(ctx); err != nil {
		return nil, err
	}
	c.replica = r
	return r, nil
}

// needsBaseBackup says whether the replica must be copied again: it has no data folder yet, or
// the primary lost (or never had) its slot, so the WAL since the replica's last replay is gone.
func (r *Replica) needsBaseBackup(ctx context.Context) (bool, error) {
	if _, err := os.Stat(filepath.Join(r.dataDir(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	db, err := sql.Open("postgres", r.primary.url(Superuser, "postgres"))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var status sql.NullString
	err = db.QueryRowContext(ctx, `SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1`, SlotName).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("pgcluster: read the replication slot: %w", err)
	}
	return status.String == "lost", nil
}

// baseBackup copies the primary into a new data folder, with a new replication slot.
func (r *Replica) baseBackup(ctx context.Context) error {
	c := r.primary
	// A replica made by an earlier run (or a half-made one) is replaced, with its slot.
	if err := os.RemoveAll(r.dataDir()); err != nil {
		return fmt.Errorf("pgcluster: remove the old replica: %w", err)
	}
	db, err := sql.Open("postgres", c.url(Superuser, "postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, SlotName); err != nil {
		return fmt.Errorf("pgcluster: drop the old replication slot: %w", err)
	}
	// The password goes through the environment, never on a command line (ps shows those).
	// --checkpoint=fast: the copy starts at once instead of at the next timed checkpoint.
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", Superuser,
		"-D", r.dataDir(), "-X", "stream", "-C", "-S", SlotName, "--checkpoint=fast"}
	if !c.opts.Durable {
		args = append(args, "--no-sync")
	}
	if err := c.runEnv(ctx, []string{"PGPASSWORD=" + c.password}, "pg_basebackup", args...); err != nil {
		_ = os.RemoveAll(r.dataDir())
		return fmt.Errorf("pgcluster: base backup: %w", err)
	}
	// The copy's own settings: a standby, reading replica.conf (rewritten at every start, since
	// the primary's port changes) for how to reach the primary.
	conf, err := os.OpenFile(filepath.Join(r.dataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = conf.WriteString("\n# Streaming replica of the project's private cluster (pgcluster).\ninclude_if_exists = 'replica.conf'\n")
	if cerr := conf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	signal := filepath.Join(r.dataDir(), "standby.signal")
	if err := os.WriteFile(signal, nil, 0o600); err != nil {
		return err
	}
	return c.chown(signal)
}

func (r *Replica) start(ctx context.Context) error {
	c := r.primary
	c.stopLeftRunning(ctx, r.dataDir())
	if r.port == 0 {
		var err error
		if r.port, err = freePort(); err != nil {
			return err
		}
	}
	// How to reach the primary, in a file only the server's owner reads (it holds the password).
	// Hex passwords need no quoting inside the connection string.
	conninfo := fmt.Sprintf("host=127.0.0.1 port=%d user=%s password=%s application_name=replica", c.port, Superuser, c.password)
	conf := fmt.Sprintf("primary_conninfo = '%s'\nprimary_slot_name = '%s'\n", conninfo, SlotName)
	confPath := filepath.Join(r.dataDir(), "replica.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return fmt.Errorf("pgcluster: write replica.conf: %w", err)
	}
	if err := c.chown(confPath); err != nil {
		return err
	}
	return c.startServer(ctx, r.dataDir(), r.dir, r.port, "start the replica",
		"-c hot_standby=on",
		// Tell the primary which rows the replica's queries still read, so that its vacuum does
		// not cancel them.
		"-c hot_standby_feedback=on",
		"-c wal_receiver_status_interval=1s")
}

func (r *Replica) pgctl(ctx context.Context, args ...string) error {
	return r.primary.run(ctx, "pg_ctl", append([]string{"-D", r.dataDir()}, args...)...)
}

// URL is the connection string of the application database on the replica (read-only), as the
// application role.
func (r *Replica) URL() string { return r.url(AppRole, Database) }

func (r *Replica) url(role, database string) string {
	return localURL(role, r.primary.password, r.port, database)
}

// Stop shuts the replica down (fast) and waits until it has exited. Its folder and slot stay:
// the next StartReplica resumes streaming from where it stopped.
func (r *Replica) Stop() error {
	if r.primary.replica == r {
		r.primary.replica = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return r.pgctl(ctx, "stop", "-m", "fast", "-w", "-t", "60")
}

// superuser runs fn with a superuser session on the replica (the functions that control
// recovery are not the application role's).
func (r *Replica) superuser(ctx context.Context, fn func(*sql.DB) error) error {
	db, err := sql.Open("postgres", r.url(Superuser, "postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// PauseReplay stops the replica from applying the WAL it receives (pg_wal_replay_pause), as a
// replica falling behind would: it keeps serving what it had. ResumeReplay undoes it.
func (r *Replica) PauseReplay(ctx context.Context) error {
	return r.superuser(ctx, func(db *sql.DB) error {
		if _, err := db.ExecContext(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
			return err
		}
		// Pausing is requested; wait until it is done, so that nothing more is applied.
		for {
			var state string
			if err := db.QueryRowContext(ctx, `SELECT pg_get_wal_replay_pause_state()`).Scan(&state); err != nil {
				return err
			}
			if state == "paused" {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
}

// ResumeReplay lets the replica apply WAL again.
func (r *Replica) ResumeReplay(ctx context.Context) error {
	return r.superuser(ctx, func(db *sql.DB) error {
		_, err := db.ExecContext(ctx, `SELECT pg_wal_replay_resume()`)
		return err
	})
}

// WaitCaughtUp waits until the replica has replayed everything the primary had written when it
// was called.
func (r *Replica) WaitCaughtUp(ctx context.Context) error {
	primary, err := sql.Open("postgres", r.primary.url(Superuser, "postgres"))
	if err != nil {
		return err
	}
	defer primary.Close()
	// A synchronous commit writes out the WAL up to it, asynchronous commits before it included
	// (with synchronous_commit off, they may still be in memory, where no standby can get them).
	// A transaction that wrote no WAL commits asynchronously whatever the setting: it writes a
	// message (a WAL record of its own) first.
	tx, err := primary.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var target string
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_logical_emit_message(true, 'pgcluster', 'caught up?')`); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if err := primary.QueryRowContext(ctx, `SELECT pg_current_wal_flush_lsn()::text`).Scan(&target); err != nil {
		return err
	}
	return r.superuser(ctx, func(db *sql.DB) error {
		for {
			var done bool
			err := db.QueryRowContext(ctx, `SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)`, target).Scan(&done)
			if err != nil {
				return err
			}
			if done {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("pgcluster: the replica has not replayed %s: %w", target, ctx.Err())
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
}
