package api

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
)

// Absolute links (the Atom feed's, Link and Location headers, the served document's servers)
// come from PUBLIC_URL, never from the request: a Host or X-Forwarded-Host header is the
// client's to invent, and an answer built from it would reach every reader through the shared
// cache. Without PUBLIC_URL the links are relative to the server that answered.

// ParsePublicURL checks PUBLIC_URL: an absolute http(s) address with no query or fragment. The
// trailing slash is dropped, so that paths can be appended.
func ParsePublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, " \t\r\n") {
		return "", errors.New("PUBLIC_URL must be an absolute http(s) address with no query, such as https://invest.example.org")
	}
	return strings.TrimRight(raw, "/"), nil
}

// CheckSecret refuses a JWT_SECRET that is too short or carries little entropy (one character
// repeated, or nothing but white space): such a key lets anyone forge tokens.
func CheckSecret(secret string) error {
	if len(secret) < 32 {
		return errors.New("JWT_SECRET must be at least 32 bytes of random data (for example `openssl rand -base64 48`)")
	}
	if strings.TrimFunc(secret, unicode.IsSpace) == "" {
		return errors.New("JWT_SECRET is only white space: use at least 32 bytes of random data (for example `openssl rand -base64 48`)")
	}
	distinct := map[rune]bool{}
	for _, r := range secret {
		distinct[r] = true
	}
	if len(distinct) < 8 {
		return errors.New("JWT_SECRET repeats too few characters to be secret: use at least 32 bytes of random data (for example `openssl rand -base64 48`)")
	}
	return nil
}

// link is path as the reader should follow it: under PUBLIC_URL when set, else as is.
func (s *server) link(path string) string {
	return s.cfg.PublicURL + path
}

// nextURL is the request's own path and query with the cursor of the next page.
func (s *server) nextURL(c *fiber.Ctx, cursor string) string {
	q, _ := url.ParseQuery(string(c.Context().QueryArgs().QueryString()))
	q.Set("cursor", cursor)
	return s.link(c.Path() + "?" + q.Encode())
}

// servedDocument is openapi.yaml as served: its one server is PUBLIC_URL when set, and "/"
// (wherever the document was fetched from) otherwise.
func servedDocument(doc []byte, publicURL string) []byte {
	if publicURL == "" {
		return doc
	}
	const relative = "servers:\n  - url: /\n"
	return bytes.Replace(doc, []byte(relative), []byte("servers:\n  - url: "+publicURL+"\n"), 1)
}
