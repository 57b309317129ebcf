package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/diaspora-investor/marketplace/api"
)

// A cached response is compressed once per encoding and kept: misses and hits in gzip and br
// decode to the body sent uncompressed, with the same ETag, Content-Encoding and Vary, and a
// client that accepts no compression gets the plain body.
func TestCacheKeepsCompressedForms(t *testing.T) {
	t.Parallel()
	a := newAPIWith(t, func(c *api.Config) {
		c.Cache = api.NewCache(1<<20, time.Minute)
		c.Cache.Live(true)
	})
	target := "/v1/countries/CV/opportunities?lang=pt"
	plain := a.get(target)
	expect(t, plain, http.StatusOK)
	if plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("compressed without Accept-Encoding: %v", plain.header)
	}
	decoders := map[string]func(io.Reader) (io.Reader, error){
		"gzip": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"br":   func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
	}
	for _, accept := range []string{"gzip", "gzip, deflate, br", "gzip", "br", "gzip, deflate, br"} {
		want := "gzip"
		if accept != "gzip" {
			want = "br"
		}
		r := compressedGet(t, a, target, accept)
		if got := r.header.Get("Content-Encoding"); got != want {
			t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, got, want)
		}
		if !bytes.Contains([]byte(r.header.Get("Vary")), []byte("Accept-Encoding")) || r.header.Get("ETag") != plain.header.Get("ETag") {
			t.Errorf("Accept-Encoding %q: Vary %q, ETag %q (plain %q)", accept, r.header.Get("Vary"), r.header.Get("ETag"), plain.header.Get("ETag"))
		}
		dr, err := decoders[want](bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(dr)
		if err != nil || !bytes.Equal(body, plain.body) {
			t.Fatalf("Accept-Encoding %q: the decoded body differs from the plain one (%v)", accept, err)
		}
	}
	if again := a.get(target); again.header.Get("Content-Encoding") != "" || !bytes.Equal(again.body, plain.body) {
		t.Errorf("a plain hit after compressed ones: %v", again.header)
	}
}

// compressedGet is a GET in a compressed encoding, outside the contract check (which reads
// plain bodies).
func compressedGet(t *testing.T, a *testAPI, target, accept string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", accept)
	resp, err := a.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", accept, resp.StatusCode, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}
