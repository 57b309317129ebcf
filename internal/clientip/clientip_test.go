package clientip

import (
	"net"
	"testing"
)

func TestOf(t *testing.T) {
	proxies := Parse([]string{"10.0.0.0/8", " 192.0.2.7 ", "not an address"})
	for _, c := range []struct{ peer, xff, want string }{
		{"198.51.100.1", "203.0.113.9", "198.51.100.1"},                // not a proxy: its header is not believed
		{"10.1.2.3", "203.0.113.9", "203.0.113.9"},                     // a proxy: the hop before it
		{"10.1.2.3", "6.6.6.6, 203.0.113.9, 192.0.2.7", "203.0.113.9"}, // the last untrusted hop, not the first
		{"10.1.2.3", "garbage", "10.1.2.3"},                            // nothing believable: the peer
	} {
		if got := proxies.Of(net.ParseIP(c.peer), c.xff); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	if len(proxies) != 2 {
		t.Errorf("%d proxies parsed, want 2", len(proxies))
	}
}
