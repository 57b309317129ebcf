// Command marketplace is the Diaspora Investor Marketplace: it serves the API and runs the
// operator's tasks (migrations, seed content, import and export of a country's catalogue,
// administrators). Run `marketplace help` for the commands; configuration comes from the
// environment (README.md, "Configuration").
//
// Exit codes: 0 success, 2 usage (an unknown command or flag, a missing argument), 1 failure.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand: its flags are parsed by run, which gets the rest of the line.
type command struct {
	name, args, summary string
	help                string // what --help says below the usage line
	flags               func(fs *flag.FlagSet) any
	run                 func(ctx context.Context, a *app, opts any, args []string) error
}

// app is what commands share: where they write, and how they reach the database.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// usageError is a command line that cannot be run as written (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

func commands() []command {
	return []command{serveCommand(), migrateCommand(), seedCommand(), importCommand(), exportCommand(),
		adminCommand(), sqlCommand(), versionCommand()}
}

func find(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run runs one command line and returns the process's exit code.
func run(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 {
		usage(a.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := find(args[1]); ok {
				commandUsage(a.stdout, c, nil)
				return exitOK
			}
			fmt.Fprintf(a.stderr, "marketplace: no command %q\n\n", args[1])
			usage(a.stderr)
			return exitUsage
		}
		usage(a.stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	c, ok := find(name)
	if !ok {
		fmt.Fprintf(a.stderr, "marketplace: no command %q\n\n", name)
		usage(a.stderr)
		return exitUsage
	}
	fs := flag.NewFlagSet("marketplace "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opts any
	if c.flags != nil {
		opts = c.flags(fs)
	}
	positional, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandUsage(a.stdout, c, fs)
			return exitOK
		}
		fmt.Fprintf(a.stderr, "marketplace %s: %v\n\n", c.name, err)
		commandUsage(a.stderr, c, fs)
		return exitUsage
	}
	err = c.run(ctx, a, opts, positional)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "marketplace %s: %s\n\n", c.name, ue.msg)
		commandUsage(a.stderr, c, fs)
		return exitUsage
	default:
		fmt.Fprintf(a.stderr, "marketplace %s: %v\n", c.name, err)
		return exitFailure
	}
}

// parseInterspersed parses flags wherever they are on the line (`import FILE --dry-run` as well
// as `import --dry-run FILE`), as people type them; after "--" everything is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `marketplace — the Diaspora Investor Marketplace API and its operator's tasks.

Usage:
  marketplace <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-30s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	fmt.Fprint(w, `  help [command]                 this text, or a command's

Run "marketplace <command> --help" for a command's flags. Every command but help and version
needs DATABASE_URL (postgres://user:password@host:5432/database?sslmode=disable); the rest of
the configuration is in the environment too (README.md, "Configuration").

Exit codes: 0 success, 1 failure, 2 usage.
`)
}

func commandUsage(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: marketplace %s\n\n%s\n", strings.TrimSpace(c.name+" [flags] "+c.args), strings.TrimSpace(c.help))
	if fs == nil {
		fs = flag.NewFlagSet(c.name, flag.ContinueOnError)
		if c.flags != nil {
			c.flags(fs)
		}
	}
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}
