// Command pgrun runs a command with a database: it starts the project's private PostgreSQL
// cluster when DATABASE_URL is not set, passes its URL to the command in DATABASE_URL, and
// stops the cluster when the command ends, however it ends. With -replica it also starts a
// streaming replica of the cluster (in DIR/replica) and passes its URL in DATABASE_REPLICA_URL.
//
//	pgrun [-dir .data/pg] [-durable] [-replica] -- command [args...]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/diaspora-investor/marketplace/internal/pgcluster"
)

func main() {
	os.Exit(run())
}

func run() int {
	dir := flag.String("dir", ".data/pg", "folder of the private cluster")
	durable := flag.Bool("durable", false, "keep fsync on (for data you want to keep)")
	replica := flag.Bool("replica", false, "also start a streaming replica (DIR/replica) and set DATABASE_REPLICA_URL")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pgrun [-dir DIR] [-durable] [-replica] -- command [args...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		return 2
	}

	// Signals are forwarded to the command, which decides how to end; the cluster stops after.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)

	if os.Getenv("DATABASE_URL") == "" {
		cluster, err := pgcluster.Start(context.Background(), *dir, pgcluster.Options{Durable: *durable})
		if err != nil {
			return failed(err)
		}
		defer stop("the database", cluster.Stop)
		os.Setenv("DATABASE_URL", cluster.URL())
		fmt.Fprintf(os.Stderr, "pgrun: private PostgreSQL in %s is up\n", *dir)
		if *replica {
			started := time.Now()
			r, err := cluster.StartReplica(context.Background())
			if err != nil {
				return failed(err)
			}
			// Stopped before the primary (the deferred cluster.Stop stops it too).
			defer stop("the replica", r.Stop)
			os.Setenv("DATABASE_REPLICA_URL", r.URL())
			fmt.Fprintf(os.Stderr, "pgrun: its streaming replica is up (%s)\n", time.Since(started).Round(time.Millisecond))
		}
	} else if *replica {
		fmt.Fprintln(os.Stderr, "pgrun: DATABASE_URL is set: -replica starts nothing (set DATABASE_REPLICA_URL yourself)")
	}

	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return failed(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			_ = cmd.Process.Signal(sig)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if code := exit.ExitCode(); code >= 0 {
					return code
				}
				return 1
			}
			if err != nil {
				return failed(err)
			}
			return 0
		}
	}
}

// failed reports err and is the exit status of a failure.
func failed(err error) int {
	fmt.Fprintln(os.Stderr, "pgrun:", err)
	return 1
}

// stop stops what pgrun started (what names it) and reports a failure to.
func stop(what string, stop func() error) {
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgrun: stop %s: %v\n", what, err)
	}
}
