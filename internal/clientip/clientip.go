// Package clientip finds the address a request comes from, for rate limits that count per
// address: the JSON API and the web site count the same way.
package clientip

import (
	"net"
	"strings"
)

// Proxies are the load balancers whose X-Forwarded-For is believed (TRUSTED_PROXIES).
type Proxies []*net.IPNet

// Parse reads addresses and CIDR ranges of trusted proxies; an entry that is neither is
// ignored.
func Parse(list []string) Proxies {
	var out Proxies
	for _, p := range list {
		p = strings.TrimSpace(p)
		if !strings.Contains(p, "/") {
			if strings.Contains(p, ":") {
				p += "/128"
			} else {
				p += "/32"
			}
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func (p Proxies) trusted(ip net.IP) bool {
	for _, n := range p {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// Of is the client's address. Behind trusted proxies it is the last address of
// X-Forwarded-For that is not one of theirs (earlier entries are the client's to invent);
// otherwise the peer's address.
func (p Proxies) Of(peer net.IP, forwardedFor string) string {
	if len(p) == 0 || !p.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(forwardedFor, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break
		}
		if !p.trusted(ip) {
			return ip.String()
		}
	}
	return peer.String()
}
