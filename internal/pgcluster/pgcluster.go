// Package pgcluster starts and stops a private PostgreSQL cluster from the server binaries
// installed on the machine (initdb, pg_ctl), so that `make run` and `make test` need no database
// set up by hand. The cluster lives in a folder of the project, listens on 127.0.0.1 only, on a
// free port chosen at each start, and requires a password kept in that folder.
//
// PostgreSQL refuses to run as root; when this process is root, the server runs as the
// `postgres` system user.
package pgcluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq" // the PostgreSQL driver, to create the application role and database
)

// The roles and database of a new cluster. The superuser only sets the cluster up; the API and
// the tests connect as AppRole, which owns Database and may create databases (the tests clone
// one per test) but is no superuser.
const (
	Superuser = "diaspora_admin"
	AppRole   = "diaspora"
	Database  = "diaspora"
)

// ErrNoServer says that PostgreSQL's server binaries are not installed.
var ErrNoServer = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install them with `apt-get install postgresql` or set DATABASE_URL")

// Options tune a cluster.
type Options struct {
	// Durable false turns off fsync and synchronous commit: right for throw-away test data,
	// wrong for anything you want to keep after a power cut.
	Durable bool
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir      string // the cluster's folder: data/, password, postgres.log, lock
	bin      string // folder holding initdb and pg_ctl
	port     int
	password string
	owner    *syscall.Credential // nil: run the server as the current user
	lock     *os.File
	opts     Options
	replica  *Replica // the streaming replica started by StartReplica, if running
}

// FindBinaries returns the folder that holds initdb and pg_ctl: from PATH first, then the
// newest /usr/lib/postgresql/<version>/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	for _, m := range matches {
		dir := filepath.Dir(m)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", ErrNoServer
}

func versionOf(pgCtlPath string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(pgCtlPath))), 64)
	return v
}

// Start initialises the cluster in dir if it is new, starts it and makes sure the application
// database exists. Only one process may use a folder at a time; a second gets an error.
func Start(ctx context.Context, dir string, opts Options) (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// The parents stay traversable so that the postgres user can reach the folder; the folder
	// itself is private.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgcluster: create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin, opts: opts}
	if os.Geteuid() == 0 {
		if c.owner, err = postgresUser(); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(c.owner.Uid), int(c.owner.Gid)); err != nil {
			return nil, fmt.Errorf("pgcluster: give %s to the postgres user: %w", dir, err)
		}
	}
	if err := c.takeLock(); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		c.releaseLock()
		return nil, err
	}
	if err := c.ensureDatabase(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root, and PostgreSQL refuses root: create a `postgres` user or run as another user (%w)", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// takeLock keeps two runs (say `make run` and `make test` sharing a folder by mistake) from
// starting the same cluster twice.
func (c *Cluster) takeLock() error {
	f, err := os.OpenFile(filepath.Join(c.dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("pgcluster: %s is in use by another run; stop it first", c.dir)
	}
	c.lock = f
	return nil
}

func (c *Cluster) releaseLock() {
	if c.lock != nil {
		_ = syscall.Flock(int(c.lock.Fd()), syscall.LOCK_UN)
		c.lock.Close()
		c.lock = nil
	}
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) start(ctx context.Context) error {
	pwFile := filepath.Join(c.dir, "password")
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, pwFile); err != nil {
			return err
		}
	}
	pw, err := os.ReadFile(pwFile)
	if err != nil {
		return fmt.Errorf("pgcluster: read the cluster password: %w", err)
	}
	c.password = strings.TrimSpace(string(pw))

	c.stopLeftRunning(ctx, c.dataDir())
	if c.port == 0 { // a restart keeps its port, so that clients find the server again
		if c.port, err = freePort(); err != nil {
			return err
		}
	}
	// A replica's slot (StartReplica) keeps WAL for it while it is away, up to this much.
	return c.startServer(ctx, c.dataDir(), c.dir, c.port, "start", "-c max_slot_wal_keep_size=1024")
}

// stopLeftRunning stops the server of dataDir that a run which was killed left running: it
// holds the folder, and must stop before the server starts again.
func (c *Cluster) stopLeftRunning(ctx context.Context, dataDir string) {
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); err == nil {
		_ = c.run(ctx, "pg_ctl", "-D", dataDir, "stop", "-m", "fast", "-w", "-t", "30")
	}
}

// startServer starts the server of dataDir (the primary's or a replica's) on port, with the
// settings every server of the project has and its own (extra), logging to dir/postgres.log;
// step names what failed in the error, which ends with the log's last lines.
func (c *Cluster) startServer(ctx context.Context, dataDir, dir string, port int, step string, extra ...string) error {
	settings := append([]string{
		"-c listen_addresses=127.0.0.1",
		"-p " + strconv.Itoa(port),
		"-c unix_socket_directories=''",
		"-c max_connections=200",
	}, extra...)
	if !c.opts.Durable {
		settings = append(settings, "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")
	}
	logFile := filepath.Join(dir, "postgres.log")
	if err := c.run(ctx, "pg_ctl", "-D", dataDir, "start", "-w", "-t", "60", "-l", logFile, "-o", strings.Join(settings, " ")); err != nil {
		log, _ := os.ReadFile(logFile)
		return fmt.Errorf("pgcluster: %s: %w\n%s", step, err, tail(string(log), 20))
	}
	return nil
}

func (c *Cluster) initdb(ctx context.Context, pwFile string) error {
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	if err := os.WriteFile(pwFile, []byte(hex.EncodeToString(secret)+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgcluster: write the cluster password: %w", err)
	}
	if err := c.chown(pwFile); err != nil {
		return err
	}
	return c.run(ctx, "initdb", "-D", c.dataDir(), "-U", Superuser, "--pwfile="+pwFile,
		"--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions")
}

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	return os.Chown(path, int(c.owner.Uid), int(c.owner.Gid))
}

func (c *Cluster) pgctl(ctx context.Context, args ...string) error {
	return c.run(ctx, "pg_ctl", append([]string{"-D", c.dataDir()}, args...)...)
}

// run starts one of the server's programs as the cluster's owner, in its own process group so
// that a Ctrl-C meant for the API does not reach the database before the API has finished.
func (c *Cluster) run(ctx context.Context, program string, args ...string) error {
	return c.runEnv(ctx, nil, program, args...)
}

// runEnv is run with extra environment variables.
func (c *Cluster) runEnv(ctx context.Context, env []string, program string, args ...string) error {
	cmd := exec.CommandContext(ctx, c.program(program), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.owner}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", program, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (c *Cluster) ensureDatabase(ctx context.Context) error {
	db, err := sql.Open("postgres", c.url(Superuser, "postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, AppRole).Scan(&exists); err != nil {
		return fmt.Errorf("pgcluster: connect: %w (a cluster made by an older version: remove %s)", err, c.dir)
	}
	if !exists {
		// DDL takes no bound parameters; the password is hex, quoted all the same.
		if _, err := db.ExecContext(ctx, `CREATE ROLE `+AppRole+` LOGIN CREATEDB PASSWORD `+pq.QuoteLiteral(c.password)); err != nil {
			return fmt.Errorf("pgcluster: create role: %w", err)
		}
	}
	// Dropping a test database WITH (FORCE) must be able to end an autovacuum worker that
	// happens to be in it.
	if _, err := db.ExecContext(ctx, `GRANT pg_signal_backend TO `+AppRole); err != nil {
		return fmt.Errorf("pgcluster: grant: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, Database).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := db.ExecContext(ctx, `CREATE DATABASE `+Database+` OWNER `+AppRole); err != nil {
			return fmt.Errorf("pgcluster: create database: %w", err)
		}
	}
	return nil
}

// URL is the connection string of the application database, as the application role.
func (c *Cluster) URL() string { return c.url(AppRole, Database) }

func (c *Cluster) url(role, database string) string {
	return localURL(role, c.password, c.port, database)
}

// localURL is the connection string of a database of a server of the project (the primary or
// the replica): on 127.0.0.1 at port, as role.
func localURL(role, password string, port int, database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Stop shuts the server down (fast: open sessions are ended, nothing committed is lost) and
// waits until it has exited.
func (c *Cluster) Stop() error {
	defer c.releaseLock()
	if c.replica != nil {
		_ = c.replica.Stop()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.pgctl(ctx, "stop", "-m", "fast", "-w", "-t", "60")
}

// Pause shuts the server down (fast, as Stop) but keeps the folder and the port, for tests of
// what clients do while the database is away; Resume starts it again.
func (c *Cluster) Pause() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.pgctl(ctx, "stop", "-m", "fast", "-w", "-t", "60")
}

// Resume starts a paused server again on its port.
func (c *Cluster) Resume(ctx context.Context) error { return c.start(ctx) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgcluster: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// program is the path of one of the server's programs: beside initdb and pg_ctl, or, when those
// are links (in a folder on PATH) to a folder with the rest, in that folder.
func (c *Cluster) program(name string) string {
	p := filepath.Join(c.bin, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if real, err := filepath.EvalSymlinks(filepath.Join(c.bin, "pg_ctl")); err == nil {
		if q := filepath.Join(filepath.Dir(real), name); fileExists(q) {
			return q
		}
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
