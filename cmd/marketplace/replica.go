package main

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/repository"
)

// replicaConfig is the optional read replica: DATABASE_REPLICA_URL, a streaming replica of
// DATABASE_URL's database, and REPLICA_MAX_LAG.
type replicaConfig struct {
	url    string // empty: no replica
	maxLag time.Duration
}

const replicaURLForm = "postgres://user:password@host:5432/database?sslmode=disable of a streaming replica of DATABASE_URL's database (`bin/pgrun -replica` starts one and sets it)"

func loadReplicaConfig() (replicaConfig, error) {
	c := replicaConfig{url: os.Getenv("DATABASE_REPLICA_URL"), maxLag: repository.DefaultReplicaMaxLag}
	if c.url != "" {
		if u, err := url.Parse(c.url); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" && u.Query().Get("host") == "" {
			// Not echoed: the URL holds a password.
			return c, configError{name: "DATABASE_REPLICA_URL", problem: "is not a postgres:// URL", want: replicaURLForm}
		}
	}
	if v := os.Getenv("REPLICA_MAX_LAG"); v != "" {
		var err error
		if c.maxLag, err = time.ParseDuration(v); err != nil || c.maxLag <= 0 {
			return c, badVar("REPLICA_MAX_LAG", "a positive Go duration such as 5s or 500ms")
		}
	}
	return c, nil
}

// servedReplica is the replica serve uses, if any.
type servedReplica struct {
	db     *sqlx.DB
	router *repository.Replica
}

// startReplica connects to the replica, when there is one, and sends the store's public reads
// through it. A replica that cannot be reached at start is not fatal: reads go to the primary
// until it answers.
func startReplica(ctx context.Context, log *slog.Logger, cfg serveConfig, store *repository.Store) (*servedReplica, error) {
	if cfg.replica.url == "" {
		return &servedReplica{}, nil
	}
	dsn, err := repository.ReplicaURL(cfg.replica.url, cfg.db.statementTimeout)
	if err != nil {
		return nil, configError{name: "DATABASE_REPLICA_URL", problem: "is not a postgres:// URL", want: replicaURLForm}
	}
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(cfg.db.maxConns)
	db.SetMaxIdleConns(cfg.db.maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	r := repository.StartReplica(ctx, store.DB(), db, repository.ReplicaOptions{MaxLag: cfg.replica.maxLag}, log)
	store.UseReplica(r)
	st := r.Status()
	log.Info("read replica", "state", st.State, "reads_from", st.ReadsFrom, "max_lag", cfg.replica.maxLag.String())
	return &servedReplica{db: db, router: r}, nil
}

// gate is h, behind the replica's gate when there is one (see repository.Replica.Gate).
func (r *servedReplica) gate(h repository.ChangeHandler) repository.ChangeHandler {
	if r.router == nil {
		return h
	}
	return r.router.Gate(h)
}

func (r *servedReplica) close() {
	if r.router != nil {
		r.router.Close()
		r.db.Close()
	}
}
