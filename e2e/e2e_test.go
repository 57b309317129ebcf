// Package e2e starts the real server binary on an empty database, as `make run` does, and
// walks the catalogue over HTTP.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/internal/contract"
	"github.com/diaspora-investor/marketplace/internal/testdb"
)

type server struct {
	t        *testing.T
	base     string
	dbURL    string // the server's database
	client   *http.Client
	validate *contract.Validator
}

// startServer builds cmd/marketplace and runs it against a new empty database, with extra
// environment variables (KEY=value) if any.
func startServer(t *testing.T, env ...string) (*server, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	return startServerOn(t, testdb.NewEmpty(t), env...)
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// apiBinary builds cmd/marketplace once per test run.
func apiBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "e2e-marketplace-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "marketplace")
		if out, err := exec.Command("go", "build", "-o", binary, "../cmd/marketplace").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// startServerOn runs the real server binary on dbURL (with extra environment variables) and
// waits until it is ready.
func startServerOn(t *testing.T, dbURL string, env ...string) (*server, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	skipIfShort(t)
	port := freePort(t)
	cmd := exec.Command(apiBinary(t), "serve")
	// SHOW_EXAMPLES: the walks below use the seed's sample listings, which are examples (the
	// public default, which hides them, is tested in api/examples_test.go).
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PORT="+port, "HOST=127.0.0.1", "LOG_LEVEL=warn", "SHOW_EXAMPLES=true")
	cmd.Env = append(cmd.Env, env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
		}
	})
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, base: "http://127.0.0.1:" + port, dbURL: dbURL, client: &http.Client{Timeout: 10 * time.Second}, validate: v}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := s.client.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, cmd, &logs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 60 s:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// skipIfShort skips the end-to-end tests under -short (make check): each builds and starts the
// real binary on a database of its own, which takes seconds.
func skipIfShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end to end: skipped under -short")
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (s *server) do(method, path string, body io.Reader, header map[string]string) reply {
	s.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, s.base+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") == "" {
		if err := s.validate.CheckResponse(req, resp.StatusCode, resp.Header, b); err != nil {
			s.t.Errorf("%s %s: %v", method, path, err)
		}
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON (%v): %s", err, r.body)
	}
	return m
}

var linkPattern = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

func TestServerWalksTheCatalogue(t *testing.T) {
	s, cmd, logs := startServer(t)

	// The first start seeded the empty database: every language pages through the same items.
	var counts []int
	for _, lang := range []string{"pt", "en", "fr"} {
		path := "/v1/countries/CV/opportunities?limit=4&lang=" + lang
		ids := map[string]bool{}
		for pages := 0; path != ""; pages++ {
			if pages > 100 {
				t.Fatal("cursor loop")
			}
			r := s.do(http.MethodGet, path, nil, nil)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			if cl := r.header.Get("Content-Language"); cl != lang {
				t.Errorf("%s: Content-Language %q", path, cl)
			}
			if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") == "" {
				t.Errorf("%s: no ETag or Cache-Control", path)
			}
			for _, it := range r.object(t)["items"].([]any) {
				item := it.(map[string]any)
				if item["lang"] != lang {
					t.Errorf("%v in %v", item["slug"], item["lang"])
				}
				if ids[item["id"].(string)] {
					t.Errorf("%v twice", item["slug"])
				}
				ids[item["id"].(string)] = true
			}
			path = ""
			if link := r.header.Get("Link"); link != "" {
				m := linkPattern.FindStringSubmatch(link)
				if m == nil {
					t.Fatalf("Link %q", link)
				}
				path = m[1]
			}
		}
		counts = append(counts, len(ids))
	}
	if counts[0] < 12 || counts[0] != counts[1] || counts[1] != counts[2] {
		t.Errorf("items per language: %v", counts)
	}

	// A matching If-None-Match is answered 304 without a body.
	first := s.do(http.MethodGet, "/v1/countries/CV/opportunities?lang=fr", nil, nil)
	again := s.do(http.MethodGet, "/v1/countries/CV/opportunities?lang=fr", nil, map[string]string{"If-None-Match": first.header.Get("ETag")})
	if again.status != http.StatusNotModified || len(again.body) != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", again.status, len(again.body))
	}

	// Bad input is a localized problem.
	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{"/v1/countries/CV/opportunities?cursor=%%%", http.StatusBadRequest, "invalid_cursor"},
		{"/v1/countries/CV/opportunities?cursor=eyJsIjoxfQ", http.StatusBadRequest, "invalid_cursor"},
		{"/v1/countries/CV/opportunities?sector=mining", http.StatusBadRequest, "unknown_code"},
		{"/v1/opportunities/3f1d8a52-0000-4000-8000-000000000000", http.StatusNotFound, ""},
	} {
		r := s.do(http.MethodGet, c.path, nil, map[string]string{"Accept-Language": "pt-PT"})
		p := r.object(t)
		if r.status != c.status || r.header.Get("Content-Type") != "application/problem+json" || r.header.Get("Content-Language") != "pt" {
			t.Errorf("%s: %d %s %s", c.path, r.status, r.header.Get("Content-Type"), r.header.Get("Content-Language"))
		}
		if c.want != "" && !strings.Contains(string(r.body), `"code":"`+c.want+`"`) {
			t.Errorf("%s: %s", c.path, r.body)
		}
		if title, _ := p["title"].(string); title == "" || strings.Contains(title, "Invalid") || strings.Contains(title, "Not found") {
			t.Errorf("%s: title %q is not Portuguese", c.path, title)
		}
	}

	// A body over the limit is refused before it is read: the server answers as soon as it has
	// seen the Content-Length.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /v1/opportunities HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", 2<<20)
	big, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	bigBody, _ := io.ReadAll(big.Body)
	conn.Close()
	if big.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(bigBody), "/problems/payload-too-large") {
		t.Errorf("2 MiB body: %d %s", big.StatusCode, bigBody)
	}

	// Responses are compressed for clients that ask.
	gz := s.do(http.MethodGet, "/v1/countries/CV/opportunities?limit=50", nil, map[string]string{"Accept-Encoding": "gzip"})
	if gz.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("no gzip: %v", gz.header)
	}

	// SIGTERM: the server finishes and exits cleanly.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30 s after SIGTERM")
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs.String())
	}
}
