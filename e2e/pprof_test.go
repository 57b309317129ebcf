package e2e

import (
	"net/http"
	"testing"

	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// PPROF_ADDR serves Go's profiles on a loopback address of its own; the API's port never does.
func TestProfilingOnItsOwnAddress(t *testing.T) {
	addr := "127.0.0.1:" + freePort(t)
	s, _, logs := startServerOn(t, testdb.NewEmpty(t), "SEED_ON_START=false", "PPROF_ADDR="+addr)
	for _, c := range []struct {
		url  string
		want int
	}{
		{"http://" + addr + "/debug/pprof/", http.StatusOK},
		{"http://" + addr + "/debug/pprof/heap?debug=1", http.StatusOK},
		{s.base + "/debug/pprof/", http.StatusNotFound},
	} {
		resp, err := s.client.Get(c.url)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.url, err, logs)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: got %d, want %d", c.url, resp.StatusCode, c.want)
		}
	}
}
