package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/diaspora-investor/marketplace/repository"
)

// sqlCommand prints the registered SQL statements: a statement shared by the three kinds is
// written once with {table} in it, and this shows each kind's as PostgreSQL receives it.
func sqlCommand() command {
	return command{
		name:    "sql",
		args:    "[NAME|PREFIX]",
		summary: "list the SQL statements by name, or print one as it is sent",
		help: `Needs no database. Without an argument, lists every registered statement's name. With a
name, prints that statement; with the start of names (incentive_), prints each that matches.`,
		run: func(_ context.Context, a *app, _ any, args []string) error {
			if len(args) > 1 {
				return usagef("sql takes at most one name")
			}
			all := repository.Statements()
			names := slices.Sorted(func(yield func(string) bool) {
				for name := range all {
					if !yield(name) {
						return
					}
				}
			})
			if len(args) == 0 {
				_, err := fmt.Fprintln(a.stdout, strings.Join(names, "\n"))
				return err
			}
			if text, ok := all[args[0]]; ok {
				_, err := fmt.Fprintln(a.stdout, strings.TrimSpace(text))
				return err
			}
			found := false
			for _, name := range names {
				if strings.HasPrefix(name, args[0]) {
					found = true
					if _, err := fmt.Fprintf(a.stdout, "-- %s\n%s;\n\n", name, strings.TrimSpace(all[name])); err != nil {
						return err
					}
				}
			}
			if !found {
				return usagef("no statement named %q or starting so (marketplace sql lists them)", args[0])
			}
			return nil
		},
	}
}
