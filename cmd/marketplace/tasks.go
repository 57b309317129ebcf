package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

// withStore opens the database of the environment, checks that its schema is the binary's,
// and runs fn with a store over it.
func withStore(ctx context.Context, fn func(*repository.Store) error) error {
	return withDB(ctx, func(db *sqlx.DB) error {
		ok, err := repository.MigrationsApplied(ctx, db.DB)
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("the database's schema is not the binary's: run `marketplace migrate up` first")
		}
		store := repository.New(db)
		defer store.Close()
		return fn(store)
	})
}

// withDB opens the database of the environment (DATABASE_URL and the pool settings) and runs fn
// over it.
func withDB(ctx context.Context, fn func(*sqlx.DB) error) error {
	cfg, err := loadDBConfig()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

func migrateCommand() command {
	return command{
		name:    "migrate",
		args:    "up|down|status",
		summary: "apply, roll back or list the schema's migrations",
		help: `up      apply every pending migration (serve does it at start-up too)
down    roll back the last applied migration
status  list the binary's migrations and when each was applied

Instances starting together wait for one another (a PostgreSQL session lock). Needs DATABASE_URL.`,
		run: func(ctx context.Context, a *app, _ any, args []string) error {
			if len(args) != 1 {
				return usagef("say up, down or status")
			}
			switch args[0] {
			case "up", "down", "status":
			default:
				return usagef("no migrate %q (want up, down or status)", args[0])
			}
			return withDB(ctx, func(db *sqlx.DB) error {
				switch args[0] {
				case "up":
					if err := repository.Migrate(ctx, db.DB); err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, "migrations: up to date")
					return nil
				case "down":
					if err := repository.MigrateDown(ctx, db.DB); err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, "migrations: rolled back the last one")
					return nil
				}
				list, err := repository.MigrationStatus(ctx, db.DB)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "VERSION\tMIGRATION\tAPPLIED")
				for _, m := range list {
					applied := "pending"
					if !m.AppliedAt.IsZero() {
						applied = m.AppliedAt.UTC().Format(time.RFC3339)
					}
					fmt.Fprintf(w, "%d\t%s\t%s\n", m.Version, m.Name, applied)
				}
				return w.Flush()
			})
		},
	}
}

func seedCommand() command {
	return command{
		name:    "seed",
		summary: "load (or refresh) the bundled seed content",
		help: `Applies pending migrations, then loads the seed content built into the binary (the seed/
folder: every country file and reference.yaml) in one transaction. Idempotent: rows are matched
by code or slug and updated in place. Needs DATABASE_URL.`,
		run: func(ctx context.Context, a *app, _ any, args []string) error {
			if len(args) > 0 {
				return usagef("seed takes no arguments (got %q); to load a file of your own, use import", args[0])
			}
			return withDB(ctx, func(db *sqlx.DB) error {
				if err := repository.Migrate(ctx, db.DB); err != nil {
					return err
				}
				log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
				if err := loadSeed(ctx, log, db); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, "seed content loaded")
				return nil
			})
		},
	}
}

type importOptions struct{ dryRun bool }

func importCommand() command {
	return command{
		name:    "import",
		args:    "FILE",
		summary: "load a country file in the seed format (--dry-run: only say what would change)",
		help: `Loads one country file (the format of seed/README.md, as written by export; "-" reads
standard input) through the seed loader, in one transaction, and prints what changed:

  + opportunity cv-new-hotel (new)
  ~ incentive cv-emigrant-statute: text.fr, valid_until

Items are matched by slug; items of the country that the file does not list are left as they
are (nothing is deleted), and an item the file does not change is not written. Needs DATABASE_URL.`,
		flags: func(fs *flag.FlagSet) any {
			o := &importOptions{}
			fs.BoolVar(&o.dryRun, "dry-run", false, "print what would change, and write nothing")
			return o
		},
		run: func(ctx context.Context, a *app, opts any, args []string) error {
			o := opts.(*importOptions)
			if len(args) != 1 {
				return usagef("name one FILE to import")
			}
			b, name, err := readInput(a, args[0])
			if err != nil {
				return err
			}
			f, err := seed.ParseCountryFile(name, b)
			if err != nil {
				return err
			}
			return withStore(ctx, func(store *repository.Store) error {
				changes, err := editorial.New(store, editorial.FileLanguages()).Import(ctx, f, o.dryRun)
				if err != nil {
					return fmt.Errorf("import %s: %w", args[0], err)
				}
				for _, c := range changes {
					fmt.Fprintln(a.stdout, c)
				}
				switch {
				case len(changes) == 0:
					fmt.Fprintf(a.stdout, "%s: nothing to change\n", f.Country.Code)
				case o.dryRun:
					fmt.Fprintf(a.stdout, "%s: %d change(s) would be made (dry run: nothing written)\n", f.Country.Code, len(changes))
				default:
					fmt.Fprintf(a.stdout, "%s: %d change(s) made\n", f.Country.Code, len(changes))
				}
				return nil
			})
		},
	}
}

func readInput(a *app, file string) (b []byte, name string, err error) {
	if file == "-" {
		b, err = io.ReadAll(a.stdin)
		return b, "stdin", err
	}
	b, err = os.ReadFile(file)
	return b, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), err
}

type exportOptions struct{ output string }

var countryCode = regexp.MustCompile(`^[A-Za-z]{2}$`)

func exportCommand() command {
	return command{
		name:    "export",
		args:    "COUNTRY",
		summary: "write a country's catalogue in the seed format (standard output, or -o FILE)",
		help: `Writes the country's current catalogue — the country, its organizations and every incentive,
programme and opportunity, in any status and every language — as a country file in the seed format
(seed/README.md). Importing the result changes nothing. COUNTRY is an ISO 3166-1 alpha-2 code
(CV). Needs DATABASE_URL.`,
		flags: func(fs *flag.FlagSet) any {
			o := &exportOptions{}
			fs.StringVar(&o.output, "o", "", "write to this file instead of standard output")
			return o
		},
		run: func(ctx context.Context, a *app, opts any, args []string) error {
			o := opts.(*exportOptions)
			if len(args) != 1 || !countryCode.MatchString(args[0]) {
				return usagef("name one COUNTRY by its two-letter code, such as CV")
			}
			code := strings.ToUpper(args[0])
			return withStore(ctx, func(store *repository.Store) error {
				f, err := store.ExportCountry(ctx, code)
				if errors.Is(err, repository.ErrNotFound) {
					return fmt.Errorf("no country %s in the database", code)
				}
				if err != nil {
					return err
				}
				b, err := f.Marshal()
				if err != nil {
					return err
				}
				if o.output == "" {
					_, err = a.stdout.Write(b)
					return err
				}
				return os.WriteFile(o.output, b, 0o644)
			})
		},
	}
}

func adminCommand() command {
	return command{
		name:    "admin",
		args:    "create EMAIL|verify ORG",
		summary: "create an administrator, or verify an organization",
		help: `create EMAIL  make EMAIL an administrator: a new account, or an existing one whose password is
              the one given. The password is read from standard input (its first line) or,
              on a terminal, asked twice without echo; never an argument, so it stays out of
              shell history and process lists.
verify ORG    verify an organization (by id or slug), so its members may publish: the same
              use case as an administrator's, run by the operator as a system actor (an
              administrator with no account), recorded in its history with no user as the actor.

Needs DATABASE_URL. (ADMIN_EMAIL and ADMIN_PASSWORD still make an administrator at serve's
start-up.)`,
		run: func(ctx context.Context, a *app, _ any, args []string) error {
			if len(args) != 2 || (args[0] != "create" && args[0] != "verify") {
				return usagef("say create EMAIL or verify ORG")
			}
			if args[0] == "verify" {
				return verifyOrganization(ctx, a, args[1])
			}
			return createAdministrator(ctx, a, args[1])
		},
	}
}

// verifyOrganization verifies the organization of an id or slug as the operator.
func verifyOrganization(ctx context.Context, a *app, ref string) error {
	return withStore(ctx, func(store *repository.Store) error {
		id, name, verified, err := store.OrganizationRef(ctx, ref)
		if errors.Is(err, repository.ErrNotFound) {
			return fmt.Errorf("no organization with id or slug %q", ref)
		}
		if err != nil {
			return err
		}
		if verified {
			fmt.Fprintf(a.stdout, "%s (%s) was already verified\n", name, id)
			return nil
		}
		if _, err := agencies.New(store).Verify(ctx, operator, id, true); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s (%s) is verified\n", name, id)
		return nil
	})
}

// createAdministrator makes email an administrator, with a password read from a.
func createAdministrator(ctx context.Context, a *app, email string) error {
	if _, err := loadDBConfig(); err != nil {
		return err // before asking for a password that could not be used
	}
	password, err := readPassword(a, email)
	if err != nil {
		return err
	}
	return withStore(ctx, func(store *repository.Store) error {
		created, err := accounts.New(store, nil).MakeAdministrator(ctx, email, password)
		switch {
		case errors.Is(err, accounts.ErrNotAnEmail):
			return fmt.Errorf("%q is not an e-mail address", email)
		case errors.Is(err, accounts.ErrPasswordRefused):
			return fmt.Errorf("password refused: %v", err)
		case err != nil:
			return err
		}
		if created {
			fmt.Fprintf(a.stdout, "administrator %s created\n", email)
		} else {
			fmt.Fprintf(a.stdout, "%s is an administrator\n", email)
		}
		return nil
	})
}

// operator is who runs the admin commands: the person at the machine, not an account. The
// use cases see an administrator, and the audit trail records no user (its actor is NULL, as
// for every change the system makes).
var operator = domain.Actor{Admin: true}

// readPassword asks on a terminal (twice, without echo) or reads standard input's first line.
func readPassword(a *app, email string) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(a.stderr, "Password for %s: ", email)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(a.stderr, "Same password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input (send it as its first line, or run on a terminal to be asked)")
	}
	return line, nil
}
