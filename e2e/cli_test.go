package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/seed"
)

// cliRun is one run of the binary: its exit code and what it wrote.
type cliRun struct {
	code           int
	stdout, stderr string
}

// runCLI runs the marketplace binary with args, standard input stdin and exactly the
// environment env (plus PATH), as an operator's shell would.
func runCLI(t *testing.T, binary, stdin string, env []string, args ...string) cliRun {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("marketplace %v: %v", args, err)
	}
	return cliRun{code, stdout.String(), stderr.String()}
}

func (r cliRun) expect(t *testing.T, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("marketplace %s: exit code %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
}

// TestCLIExplainsItself: help and version need no database; a bad command line is exit code
// 2 with the usage; a configuration error names the variable and the form it wants.
func TestCLIExplainsItself(t *testing.T) {
	skipIfShort(t)
	// Built as the Makefile builds it, with the version stamped in.
	binary := filepath.Join(t.TempDir(), "marketplace")
	ldflags := "-X main.version=v1.2.3-test -X main.commit=0123456789abcdef -X main.date=2026-12-01T10:00:00Z"
	if out, err := exec.Command("go", "build", "-ldflags", ldflags, "-o", binary, "../cmd/marketplace").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	noDB := []string{} // no DATABASE_URL at all

	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "import"}, {"import", "--help"},
		{"admin", "create", "--help"}, {"serve", "-h"}, {"migrate", "--help"}, {"export", "--help"}} {
		r := runCLI(t, binary, "", noDB, args...)
		r.expect(t, 0, args...)
		if !strings.Contains(r.stdout, "Usage") || strings.Contains(r.stdout+r.stderr, "DATABASE_URL is not set") {
			t.Errorf("marketplace %v: no usage, or it asked for a database:\n%s%s", args, r.stdout, r.stderr)
		}
	}
	if r := runCLI(t, binary, "", noDB, "help"); !strings.Contains(r.stdout, "admin create EMAIL") || !strings.Contains(r.stdout, "export COUNTRY") {
		t.Errorf("help does not list the commands:\n%s", r.stdout)
	}

	r := runCLI(t, binary, "", noDB, "version")
	r.expect(t, 0, "version")
	for _, want := range []string{"marketplace v1.2.3-test", "0123456789abcdef", "2026-12-01T10:00:00Z", "github.com/diaspora-investor/marketplace", "go1."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("version lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, binary, "", noDB, "version", "-json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v["version"] != "v1.2.3-test" || !strings.HasPrefix(v["go"].(string), "go1.") {
		t.Errorf("version -json: %v %s", err, r.stdout)
	}
	if r := runCLI(t, binary, "", noDB, "--version"); r.code != 0 || !strings.Contains(r.stdout, "v1.2.3-test") {
		t.Errorf("--version: %d %s", r.code, r.stdout)
	}

	for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "--bogus"}, {"import"}, {"export", "CVX"},
		{"migrate", "sideways"}, {"admin", "delete", "x@example.org"}, {"version", "extra"}} {
		r := runCLI(t, binary, "", noDB, args...)
		r.expect(t, 2, args...)
		if !strings.Contains(r.stderr, "Usage") {
			t.Errorf("marketplace %v: no usage on standard error:\n%s", args, r.stderr)
		}
	}

	// Configuration errors: exit 1, naming the variable and the expected form.
	for _, c := range []struct {
		env  []string
		args []string
		want []string
	}{
		{nil, []string{"serve"}, []string{"DATABASE_URL is not set", "postgres://"}},
		{nil, []string{"migrate", "status"}, []string{"DATABASE_URL is not set"}},
		{[]string{"DATABASE_URL=mysql://localhost/x"}, []string{"export", "CV"}, []string{"DATABASE_URL is not a postgres:// URL"}},
		{[]string{"DATABASE_URL=postgres://localhost/x", "PORT=eighty"}, []string{"serve"}, []string{`PORT is "eighty"`, "TCP port"}},
		{[]string{"DATABASE_URL=postgres://localhost/x", "PUBLIC_URL=api.example.org"}, []string{"serve"}, []string{"PUBLIC_URL", "https://api.example.org"}},
		{[]string{"DATABASE_URL=postgres://localhost/x", "JWT_SECRET=short"}, []string{"serve"}, []string{"JWT_SECRET must be at least 32 bytes", "at least 32"}},
		{[]string{"DATABASE_URL=postgres://localhost/x", "ADMIN_EMAIL=a@example.org"}, []string{"serve"}, []string{"ADMIN_PASSWORD is not set"}},
	} {
		r := runCLI(t, binary, "", c.env, c.args...)
		r.expect(t, 1, c.args...)
		for _, want := range c.want {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("marketplace %v with %v: stderr lacks %q:\n%s", c.args, c.env, want, r.stderr)
			}
		}
	}
}

// TestCLIOperatorTasks: on an empty database, migrate, make an administrator from a password
// on standard input and sign in with it through the API; verify an organization; export a
// country, add an opportunity to the file and import it while the server runs (a dry run first,
// which changes nothing); follow a problem's type to its page in French.
func TestCLIOperatorTasks(t *testing.T) {
	skipIfShort(t)
	binary := apiBinary(t)
	dbURL := testdb.NewEmpty(t)
	env := []string{"DATABASE_URL=" + dbURL}

	r := runCLI(t, binary, "", env, "migrate", "status")
	r.expect(t, 0, "migrate", "status")
	if !strings.Contains(r.stdout, "00001_catalogue.sql") || !strings.Contains(r.stdout, "pending") {
		t.Errorf("migrate status on an empty database:\n%s", r.stdout)
	}
	runCLI(t, binary, "", env, "migrate", "up").expect(t, 0, "migrate", "up")
	if r := runCLI(t, binary, "", env, "migrate", "status"); strings.Contains(r.stdout, "pending") || r.code != 0 {
		t.Errorf("migrate status after up (%d):\n%s", r.code, r.stdout)
	}

	const email, password = "operator@example.org", "a long operator passphrase 42"
	runCLI(t, binary, "short\n", env, "admin", "create", email).expect(t, 1, "admin", "create", "(short password)")
	r = runCLI(t, binary, password+"\n", env, "admin", "create", email)
	r.expect(t, 0, "admin", "create", email)
	if strings.Contains(r.stdout+r.stderr, password) {
		t.Error("admin create echoed the password")
	}
	// Again: nothing to do, and the same password proves the account.
	runCLI(t, binary, password+"\n", env, "admin", "create", email).expect(t, 0, "admin", "create", "(again)")
	runCLI(t, binary, "another passphrase of length\n", env, "admin", "create", email).expect(t, 1, "admin", "create", "(other password)")

	s, _, _ := startServerOn(t, dbURL)
	login := s.json("POST", "/v1/auth/login", map[string]string{"email": email, "password": password}, "")
	if login.status != 200 {
		t.Fatalf("login with the password given to admin create: %d %s", login.status, login.body)
	}
	token := login.object(t)["access_token"].(string)
	if role, _ := s.json("GET", "/v1/me", nil, token).object(t)["role"].(map[string]any); role["code"] != "admin" {
		t.Errorf("the account made by admin create is %v", role)
	}

	// admin verify, by slug: the organization enters the public directory.
	db, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var orgID string
	if err := db.Get(&orgID, `INSERT INTO organizations (slug, country_code, name, type) VALUES ('cv-cli-agency', 'CV', 'Agência da linha de comandos', 'public_agency') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if got := s.do("GET", "/v1/organizations/"+orgID, nil, nil); got.status != 404 {
		t.Fatalf("an unverified organization is public: %d", got.status)
	}
	runCLI(t, binary, "", env, "admin", "verify", "cv-cli-agency").expect(t, 0, "admin", "verify")
	if got := s.do("GET", "/v1/organizations/"+orgID, nil, nil); got.status != 200 || got.object(t)["verified"] != true {
		t.Errorf("after admin verify: %d %s", got.status, got.body)
	}
	runCLI(t, binary, "", env, "admin", "verify", "no-such-org").expect(t, 1, "admin", "verify", "no-such-org")

	// Export, add an opportunity, import while the server runs.
	file := filepath.Join(t.TempDir(), "cv.yaml")
	runCLI(t, binary, "", env, "export", "cv", "-o", file).expect(t, 0, "export", "cv")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := seed.ParseCountryFile("cv", b)
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	if r := runCLI(t, binary, "", env, "import", file); r.code != 0 || !strings.Contains(r.stdout, "CV: nothing to change") {
		t.Errorf("import(export(CV)): %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A copy of a real (not illustrative) listing, open: examples are hidden from the public.
	var added seed.Opportunity
	for _, o := range f.Opportunities {
		if !o.Illustrative {
			added = o
			break
		}
	}
	added.Slug = "cv-cli-imported-guesthouse"
	added.Status = "published"
	added.Deadline = nil
	added.Incentives, added.Programmes = nil, nil
	added.Text = map[string]seed.Text{
		"pt": {Title: "Casa de hóspedes importada", Summary: "Uma casa de hóspedes.", Description: "Importada pela linha de comandos."},
		"fr": {Title: "Maison d'hôtes importée", Summary: "Une maison d'hôtes.", Description: "Importée par la ligne de commande."},
	}
	f.Opportunities = append(f.Opportunities, added)
	b, err = f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	path := "/v1/opportunities/" + added.Slug + "?lang=fr"
	if got := s.do("GET", path, nil, nil); got.status != 404 {
		t.Fatalf("before the import: %d", got.status)
	}
	r = runCLI(t, binary, "", env, "import", "--dry-run", file)
	r.expect(t, 0, "import", "--dry-run")
	if !strings.Contains(r.stdout, "+ opportunity cv-cli-imported-guesthouse (new)") || !strings.Contains(r.stdout, "dry run") {
		t.Errorf("dry run says:\n%s", r.stdout)
	}
	if got := s.do("GET", path, nil, nil); got.status != 404 {
		t.Errorf("the dry run wrote: %d", got.status)
	}
	r = runCLI(t, binary, "", env, "import", file)
	r.expect(t, 0, "import")
	if !strings.Contains(r.stdout, "1 change(s) made") {
		t.Errorf("import says:\n%s", r.stdout)
	}
	waitFor(t, 2*time.Second, "the imported opportunity in the API", func() bool {
		return s.title(path) == "Maison d'hôtes importée"
	})
	if got := s.do("GET", path, nil, nil); got.status != 200 {
		t.Errorf("imported opportunity: %d", got.status)
	}

	// A problem's type, followed, explains it in French.
	p := s.do("GET", "/v1/opportunities/no-such-opportunity", nil, map[string]string{"Accept-Language": "fr"})
	typ := p.object(t)["type"].(string)
	page := s.do("GET", typ, nil, map[string]string{"Accept-Language": "fr-FR,fr;q=0.9", "Accept": "text/html"})
	if page.status != 200 || !strings.Contains(string(page.body), "<h1>Introuvable</h1>") || page.header.Get("Content-Language") != "fr" {
		t.Errorf("GET %s in French: %d %s\n%s", typ, page.status, page.header.Get("Content-Language"), page.body)
	}
}
