package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set by the Makefile (-ldflags "-X main.version=… -X main.commit=… -X main.date=…"); a plain
// `go build` or `go install` leaves them empty and the build information fills in what it can.
var (
	version string
	commit  string
	date    string
)

type versionInfo struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Modified bool   `json:"modified"`
	Date     string `json:"date"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// buildVersion reads what the binary knows of itself: -ldflags first, then the module's version
// (set by `go install module@version`) and the VCS stamp of `go build` in a checkout.
func buildVersion() versionInfo {
	v := versionInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		v.Module = info.Main.Path
		if v.Version == "" && info.Main.Version != "" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if v.Commit == "" {
					v.Commit = s.Value
				}
			case "vcs.time":
				if v.Date == "" {
					v.Date = s.Value
				}
			case "vcs.modified":
				v.Modified = v.Modified || s.Value == "true"
			}
		}
	}
	for _, p := range []*string{&v.Version, &v.Commit, &v.Date} {
		if *p == "" {
			*p = "unknown"
		}
	}
	return v
}

type versionOptions struct{ json bool }

func versionCommand() command {
	return command{
		name:    "version",
		summary: "print the version, commit, build date and Go version",
		help:    `Needs no database. The version is the module's (go install …@v1.2.3) or what the Makefile set.`,
		flags: func(fs *flag.FlagSet) any {
			o := &versionOptions{}
			fs.BoolVar(&o.json, "json", false, "print it as a JSON object")
			return o
		},
		run: func(_ context.Context, a *app, opts any, args []string) error {
			if len(args) > 0 {
				return usagef("version takes no arguments")
			}
			v := buildVersion()
			if opts.(*versionOptions).json {
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.stdout, "%s\n", b)
				return err
			}
			modified := ""
			if v.Modified {
				modified = " (modified)"
			}
			_, err := fmt.Fprintf(a.stdout, "marketplace %s\n  module  %s\n  commit  %s%s\n  built   %s\n  go      %s %s\n",
				v.Version, v.Module, v.Commit, modified, v.Date, v.Go, v.Platform)
			return err
		},
	}
}
