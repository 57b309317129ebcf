package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestExampleProgram builds the example third-party app (examples/cabo-verde, which uses only
// the generated client) and runs its whole walk against a freshly started server. It talks to
// the server through a proxy that checks every answer against openapi.yaml.
func TestExampleProgram(t *testing.T) {
	s, _, logs := startServer(t)
	backend, err := url.Parse(s.base)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var mismatches []string
	seen := 0
	proxy := httputil.NewSingleHostReverseProxy(backend)
	director := proxy.Director
	proxy.Director = func(r *http.Request) {
		director(r)
		r.Header.Del("Accept-Encoding") // plain bodies, so that they can be checked
	}
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		defer mu.Unlock()
		seen++
		if err := s.validate.CheckResponse(resp.Request, resp.StatusCode, resp.Header, body); err != nil {
			mismatches = append(mismatches, err.Error())
		}
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()

	bin := filepath.Join(t.TempDir(), "cabo-verde")
	if out, err := exec.Command("go", "build", "-o", bin, "../examples/cabo-verde").CombinedOutput(); err != nil {
		t.Fatalf("build the example: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "MARKETPLACE_URL="+front.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the example failed: %v\n%s\nserver log:\n%s", err, out, logs)
	}
	for _, want := range []string{
		"== browse Cabo Verde's opportunities in French", "[fr] ", "signed up as", "profile: Ana Lopes",
		"saved: ", "API key dim_live_", "key revoked", "== check eligibility", "eligible: ", "== done",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the example's output lacks %q:\n%s", want, out)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if seen < 10 {
		t.Errorf("only %d answers went through the checking proxy", seen)
	}
	for _, m := range mismatches {
		t.Error(m)
	}
	t.Logf("the example's walk:\n%s", out)
}
