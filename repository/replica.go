package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The positions in the WAL that the lag and read-your-writes compare: what the primary has
// written out, and what a standby has replayed (NULL on a server that is no standby).
var (
	sqlWALFlushed  = statement("wal_flushed", `SELECT pg_current_wal_flush_lsn()::text`)
	sqlWALReplayed = statement("wal_replayed", `SELECT pg_last_wal_replay_lsn()::text`)
)

// catalogueReads runs the public catalogue's reads (Store.reads): prepared statements on one
// database, or a Replica choosing between the primary and its streaming replica.
type catalogueReads interface {
	sqlx.QueryerContext
	Close()
}

// ReplicaOptions tune the use of a read replica.
type ReplicaOptions struct {
	// MaxLag is how far behind the primary the replica may be and still serve public reads
	// (REPLICA_MAX_LAG); past it, reads go to the primary until it has caught up.
	MaxLag time.Duration
	// PollInterval is how often the replica's replay position and the primary's WAL position
	// are read (default 50 ms): the delay a change notice waits for at most, beyond the
	// replica's own lag.
	PollInterval time.Duration
}

// DefaultReplicaMaxLag is REPLICA_MAX_LAG's default.
const DefaultReplicaMaxLag = 5 * time.Second

// Replica sends the public catalogue's reads to a streaming replica of the primary
// (PostgreSQL's own replication: see internal/pgcluster), and keeps three promises:
//
//   - read your writes: a reader (WithReader) whose last write (NoteWrite: the primary's WAL
//     position just after it) the replica has not replayed yet reads from the primary;
//   - no stale cache: a change notice reaches the cache (Gate) only once the replica has
//     replayed the change, and after a notice passed on while the replica could not be
//     waited for, reads stay on the primary until the replica has replayed it;
//   - bounded lag: a replica more than MaxLag behind, or unreachable, or no longer a standby,
//     serves nothing, and Status says so (/readyz).
//
// Positions are WAL LSNs: on the primary, after a write or a notice, the position written out
// after a synchronous commit of its own (primaryLSN), past the commit record of every
// transaction that has committed, even asynchronously; on the replica, pg_last_wal_replay_lsn().
// The lag is measured against pg_current_wal_flush_lsn(), what the primary has written out.
// The replay position is read every PollInterval, so the one the router uses is never ahead of
// the replica's.
type Replica struct {
	primary, replica *sqlx.DB
	primaryReads     *preparedReads
	replicaReads     *preparedReads
	opts             ReplicaOptions
	log              *slog.Logger

	replicaQueries, primaryQueries atomic.Uint64 // reads sent to each

	replay    atomic.Uint64 // the replica's replay LSN at the last poll (0: unknown)
	announced atomic.Uint64 // the LSN of the last change the cache was told about
	healthy   atomic.Bool   // up, a standby, and within MaxLag at the last poll

	mu      sync.Mutex
	up      bool          // the last poll reached the replica, a standby
	lag     time.Duration // at the last poll
	samples []walSample   // the primary's WAL position over the last 2×MaxLag
	writers map[string]uint64
	polled  chan struct{} // closed and replaced after every poll

	done    chan struct{}
	stopped sync.WaitGroup
}

type walSample struct {
	at  time.Time
	lsn uint64
}

// readerKey marks a context with the reader it reads for.
type readerKey struct{}

// WithReader says that ctx's reads are made for reader (a user's id): after that reader's own
// writes (NoteWrite), they go to the primary until the replica has replayed them.
func WithReader(ctx context.Context, reader string) context.Context {
	return context.WithValue(ctx, readerKey{}, reader)
}

// afterKey marks a context with a WAL position of the primary its reads must see.
type afterKey struct{}

// ReadAfter says that ctx's reads must see the primary's WAL position lsn (a reader's last
// write, as NoteWrite returned it, possibly on another instance): they go to the primary until
// the replica has replayed it. This is what makes read-your-writes hold across instances, where
// WithReader's memory of writes is one instance's own.
func ReadAfter(ctx context.Context, lsn LSN) context.Context {
	return context.WithValue(ctx, afterKey{}, lsn)
}

// LSN is a position in the primary's WAL.
type LSN uint64

// String is PostgreSQL's text form of the position, "16/B374D848".
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

// ParseLSN reads PostgreSQL's text form of a WAL position.
func ParseLSN(s string) (LSN, error) {
	l, err := parseLSN(s)
	return LSN(l), err
}

// primaryKey marks a context whose reads must all go to the primary.
type primaryKey struct{}

// OnPrimary sends every read made with ctx to the primary: the reads of a request that writes
// (what it answers must show its own write), and editors' reads, whose version (the ETag of
// If-Match) comes from the primary.
func OnPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// StartReplica starts routing over primary and replica (both open; the caller closes them after
// Close). It reads the replica's state once before returning: until it is seen a standby close
// enough to the primary, reads go to the primary.
func StartReplica(ctx context.Context, primary, replica *sqlx.DB, opts ReplicaOptions, log *slog.Logger) *Replica {
	if opts.MaxLag <= 0 {
		opts.MaxLag = DefaultReplicaMaxLag
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 50 * time.Millisecond
	}
	if log == nil {
		log = slog.Default()
	}
	r := &Replica{primary: primary, replica: replica, opts: opts, log: log,
		primaryReads: newPreparedReads(primary), replicaReads: newPreparedReads(replica),
		writers: map[string]uint64{}, polled: make(chan struct{}), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(ctx, r.pollTimeout())
	r.poll(ctx)
	cancel()
	r.stopped.Add(1)
	go r.run()
	return r
}

// UseReplica sends the store's public catalogue reads through r.
func (s *Store) UseReplica(r *Replica) {
	s.reads.Close()
	s.reads = r
}

// Replica is the store's replica router, nil when it has none.
func (s *Store) Replica() *Replica {
	r, _ := s.reads.(*Replica)
	return r
}

// Close stops polling and releases the prepared statements (not the databases).
func (r *Replica) Close() {
	select {
	case <-r.done:
		return
	default:
	}
	close(r.done)
	r.stopped.Wait()
	r.primaryReads.Close()
	r.replicaReads.Close()
}

func (r *Replica) run() {
	defer r.stopped.Done()
	t := time.NewTicker(r.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), r.pollTimeout())
			r.poll(ctx)
			cancel()
		}
	}
}

// pollTimeout bounds a check: a replica that does not answer within it is down.
func (r *Replica) pollTimeout() time.Duration { return max(r.opts.PollInterval*10, time.Second) }

// poll reads the primary's WAL position and the replica's replay position, and decides whether
// the replica may serve.
func (r *Replica) poll(ctx context.Context) {
	now := time.Now()
	var primaryLSN, replayLSN uint64
	// The lag is measured against what the primary has written out (what a standby can have):
	// WAL still in the primary's memory, such as an idle server's last records waiting for the
	// WAL writer, is no lag of the replica's.
	perr := r.primary.QueryRowContext(ctx, sqlWALFlushed).Scan(lsnScanner{&primaryLSN})
	var replay sql.NullString
	rerr := r.replica.QueryRowContext(ctx, sqlWALReplayed).Scan(&replay)
	if rerr == nil && !replay.Valid {
		rerr = errors.New("not a standby (pg_last_wal_replay_lsn() is null)")
	}
	if rerr == nil {
		replayLSN, rerr = parseLSN(replay.String)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if perr == nil {
		r.samples = append(r.samples, walSample{now, primaryLSN})
		keep := now.Add(-2 * r.opts.MaxLag)
		i := 0
		for i < len(r.samples)-1 && r.samples[i].at.Before(keep) {
			i++
		}
		r.samples = r.samples[i:]
	}
	wasUp, wasHealthy := r.up, r.healthy.Load()
	r.up = rerr == nil
	if r.up {
		r.replay.Store(replayLSN)
		r.lag = lagOf(r.samples, replayLSN, now)
		for w, lsn := range r.writers {
			if lsn <= replayLSN {
				delete(r.writers, w)
			}
		}
	} else {
		r.replay.Store(0)
	}
	healthy := r.up && r.lag <= r.opts.MaxLag
	r.healthy.Store(healthy)
	close(r.polled)
	r.polled = make(chan struct{})
	switch {
	case !r.up && wasUp:
		r.log.Warn("read replica unreachable: public reads go to the primary", "error", rerr)
	case r.up && !healthy && wasHealthy:
		r.log.Warn("read replica behind: public reads go to the primary", "lag", r.lag.String(), "max_lag", r.opts.MaxLag.String())
	case healthy && !wasHealthy:
		r.log.Info("read replica streaming: public reads go to it", "lag", r.lag.String())
	}
}

// lagOf is how long ago the primary first reached a position the replica has not replayed:
// zero when it has replayed everything sampled.
func lagOf(samples []walSample, replay uint64, now time.Time) time.Duration {
	for _, s := range samples {
		if s.lsn > replay {
			return now.Sub(s.at)
		}
	}
	return 0
}

// pick chooses the database of a read.
func (r *Replica) pick(ctx context.Context) *preparedReads {
	if r.onReplica(ctx) {
		r.replicaQueries.Add(1)
		return r.replicaReads
	}
	r.primaryQueries.Add(1)
	return r.primaryReads
}

func (r *Replica) onReplica(ctx context.Context) bool {
	if !r.serving() || ctx.Value(primaryKey{}) != nil {
		return false
	}
	if lsn, ok := ctx.Value(afterKey{}).(LSN); ok && uint64(lsn) > r.replay.Load() {
		return false
	}
	if reader, ok := ctx.Value(readerKey{}).(string); ok {
		r.mu.Lock()
		lsn, wrote := r.writers[reader]
		r.mu.Unlock()
		if wrote && lsn > r.replay.Load() {
			return false
		}
	}
	return true
}

// Queries counts the catalogue reads sent to the replica and to the primary so far.
func (r *Replica) Queries() (replica, primary uint64) {
	return r.replicaQueries.Load(), r.primaryQueries.Load()
}

// serving says whether the replica serves public reads now.
func (r *Replica) serving() bool {
	return r.healthy.Load() && r.replay.Load() >= r.announced.Load()
}

// QueryContext runs query on the database pick chooses (again on the primary when the replica
// fails it: see failedOver).
func (r *Replica) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryWithFailover(ctx, r, func(db *preparedReads) (*sql.Rows, error) { return db.QueryContext(ctx, query, args...) })
}

// QueryxContext runs query as QueryContext does, for sqlx's rows.
func (r *Replica) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	return queryWithFailover(ctx, r, func(db *preparedReads) (*sqlx.Rows, error) { return db.QueryxContext(ctx, query, args...) })
}

// queryWithFailover runs query on the database pick chooses, and again on the primary when the
// replica fails it (see failedOver).
func queryWithFailover[Rows any](ctx context.Context, r *Replica, query func(db *preparedReads) (Rows, error)) (Rows, error) {
	db := r.pick(ctx)
	rows, err := query(db)
	if r.failedOver(ctx, db, err) {
		return query(r.primaryReads)
	}
	return rows, err
}

// failedOver says whether a query the replica failed should run again on the primary: the
// replica could not be reached, is shutting down, or cancelled the query for a conflict with
// recovery (SQLSTATE 40001 on a standby). The replica then serves nothing until the next check
// finds it well. A statement timeout is not retried: the primary would take as long.
func (r *Replica) failedOver(ctx context.Context, db *preparedReads, err error) bool {
	if err == nil || db != r.replicaReads || ctx.Err() != nil {
		return false
	}
	var pqErr *pq.Error
	var netErr net.Error
	switch {
	case errors.As(err, &pqErr):
		code := string(pqErr.Code)
		if code == "57014" || !(strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P") || code == "40001" || strings.HasPrefix(code, "53")) {
			return false
		}
	case errors.Is(err, driver.ErrBadConn), errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
	default:
		return false
	}
	r.healthy.Store(false)
	r.primaryQueries.Add(1)
	return true
}

// QueryRowxContext runs query on the database pick chooses.
func (r *Replica) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	return r.pick(ctx).QueryRowxContext(ctx, query, args...)
}

// NoteWrite remembers that reader has just written: the primary's WAL position now (primaryLSN)
// is past the commit of everything reader's request did, and reader's reads on this instance go
// to the primary until the replica has replayed it. It returns the position, for the reader to
// carry to other instances (ReadAfter).
func (r *Replica) NoteWrite(ctx context.Context, reader string) (LSN, error) {
	lsn, err := r.primaryLSN(ctx)
	if err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if lsn > r.writers[reader] {
		r.writers[reader] = lsn
	}
	return LSN(lsn), nil
}

// primaryLSN is a WAL position of the primary past every commit so far, and written out, so
// that the replica can reach it. The insert position (pg_current_wal_insert_lsn()) would be past
// them too, but may stay ahead of what is written out for as long as the primary is idle: with
// synchronous_commit off the WAL writer writes out commits, not the records that may follow
// them. So a tiny transaction that writes a WAL message commits synchronously, which writes out
// the WAL up to it, and the position written out is read after it (two round trips; with
// synchronous_commit on, one flush of the WAL).
func (r *Replica) primaryLSN(ctx context.Context) (uint64, error) {
	// A script of four statements, which cannot be prepared; each of them is PostgreSQL's own.
	if _, err := r.primary.ExecContext(ctx, `BEGIN; SET LOCAL synchronous_commit = on;
		SELECT pg_logical_emit_message(true, 'read-replica', ''); COMMIT`); err != nil {
		return 0, err
	}
	var lsn uint64
	err := r.primary.QueryRowContext(ctx, sqlWALFlushed).Scan(lsnScanner{&lsn})
	return lsn, err
}

// ReplicaStatus is what /readyz says of the replica.
type ReplicaStatus struct {
	// State is "streaming" (reachable, a standby, within MaxLag), "behind" (past MaxLag) or
	// "down" (unreachable, or no longer a standby).
	State string
	// ReadsFrom is where public reads go now: "replica" or "primary".
	ReadsFrom string
	// Lag is how far behind the primary the replica was at the last poll (when not down).
	Lag    time.Duration
	MaxLag time.Duration
}

// Status is the replica's state at the last poll.
func (r *Replica) Status() ReplicaStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := ReplicaStatus{State: "streaming", ReadsFrom: "replica", Lag: r.lag, MaxLag: r.opts.MaxLag}
	switch {
	case !r.up:
		st.State, st.Lag = "down", 0
	case !r.healthy.Load():
		st.State = "behind"
	}
	if !r.serving() {
		st.ReadsFrom = "primary"
	}
	return st
}

// Gate passes change notices to h only once the replica has replayed the change (its replay
// position at least the primary's WAL position when the notice came), so that a cache refilled
// after the notice reads the change from the replica. A replica that is not serving, or does
// not replay the change within MaxLag, is not waited for: the notice goes on at once and reads
// stay on the primary until the replica has replayed it. Live(false) goes on at once; Live(true)
// after the notices that came before it.
func (r *Replica) Gate(h ChangeHandler) ChangeHandler {
	g := &gate{r: r, h: h, wake: make(chan struct{}, 1)}
	r.stopped.Add(1)
	go g.run()
	return g
}

type gate struct {
	r    *Replica
	h    ChangeHandler
	wake chan struct{}

	mu      sync.Mutex
	pending bool // a notice has come that h was not told yet
	want    bool // the last Live
	told    bool // h was told Live(true)
}

func (g *gate) poke() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// Changed is a change notice.
func (g *gate) Changed() {
	g.mu.Lock()
	g.pending = true
	g.mu.Unlock()
	g.poke()
}

// Live is the watcher's liveness.
func (g *gate) Live(live bool) {
	g.mu.Lock()
	g.want = live
	if !live && g.told {
		g.h.Live(false)
		g.told = false
	}
	g.mu.Unlock()
	g.poke()
}

func (g *gate) run() {
	defer g.r.stopped.Done()
	for {
		select {
		case <-g.r.done:
			return
		case <-g.wake:
		}
		g.mu.Lock()
		pending := g.pending
		g.pending = false
		g.mu.Unlock()
		if pending {
			g.r.awaitReplay()
			g.h.Changed()
		}
		g.mu.Lock()
		if g.want && !g.told && !g.pending {
			g.h.Live(true)
			g.told = true
		}
		g.mu.Unlock()
	}
}

// awaitReplay waits until the replica has replayed what the primary has written now, or until
// it is clear that it will not soon; either way, reads go to the replica afterwards only once
// it has replayed it.
func (r *Replica) awaitReplay() {
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.MaxLag)
	defer cancel()
	lsn, err := r.primaryLSN(ctx)
	if err != nil {
		// The primary is away: the watcher will see it too; nothing to wait for.
		return
	}
	for {
		r.mu.Lock()
		polled := r.polled
		r.mu.Unlock()
		if !r.healthy.Load() || r.replay.Load() >= lsn {
			break
		}
		select {
		case <-polled:
			continue
		case <-ctx.Done():
		case <-r.done:
		}
		break
	}
	for { // announced = max(announced, lsn)
		old := r.announced.Load()
		if old >= lsn || r.announced.CompareAndSwap(old, lsn) {
			return
		}
	}
}

// parseLSN reads PostgreSQL's text form of a WAL position, "16/B374D848".
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("not an LSN: %q", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("not an LSN: %q", s)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("not an LSN: %q", s)
	}
	return h<<32 | l, nil
}

// lsnScanner scans an LSN's text form.
type lsnScanner struct{ dst *uint64 }

func (l lsnScanner) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("an LSN as %T", src)
	}
	var err error
	*l.dst, err = parseLSN(s)
	return err
}

// ReplicaURL is the replica's connection string with the run-time parameters of every
// connection (see Open); unlike Open, it does not need the replica to answer now.
func ReplicaURL(databaseURL string, statementTimeout time.Duration) (string, error) {
	return connectionURL(databaseURL, statementTimeout)
}
