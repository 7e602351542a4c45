package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// fakeResolver answers from a table; any other name does not exist. No test
// reaches real DNS.
type fakeResolver map[string][]string

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := r[strings.TrimSuffix(strings.ToLower(host), ".")]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = netip.MustParseAddr(a)
	}
	return out, nil
}

var testResolver = fakeResolver{
	"merchant.example": {"203.0.113.10"},
	"mixed.example":    {"10.0.0.1", "203.0.113.11"},
	"rebind.example":   {"127.0.0.1"},
	"private.example":  {"10.1.2.3"},
	"mapped.example":   {"::ffff:127.0.0.1"},
	"metadata.example": {"169.254.169.254"},
	"internal.example": {"10.0.0.7"},
}

// dialLog records the addresses the guard approved and routes every
// connection to one local merchant, so an approved dial is observable and
// a refused one provably never happens.
type dialLog struct {
	mu     sync.Mutex
	dialed []string
	to     string // host:port every connection really goes to
}

func (d *dialLog) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, address)
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, network, d.to)
}

func (d *dialLog) addresses() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dialed...)
}

// guardedNotifier has no exceptions unless tune adds some; its connections
// are logged and routed to m.
func guardedNotifier(t testing.TB, m *merchant, tune func(*Options)) (*Notifier, *dialLog) {
	t.Helper()
	log := &dialLog{to: m.Listener.Addr().String()}
	opts := Options{Resolver: testResolver, DialContext: log.dial}
	if tune != nil {
		tune(&opts)
	}
	n, err := New(notifierConfig(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.CloseIdleConnections)
	return n, log
}

func TestNotifyRefusesWithoutConnecting(t *testing.T) {
	m := newMerchant(t, answerS)
	port := m.Listener.Addr().(*net.TCPAddr).Port
	cases := []struct{ url, reason string }{
		{"http://127.0.0.1:%d/n", "127.0.0.1 is a loopback address"},
		{"http://127.1.2.3/n", "loopback"},
		{"http://[::1]:%d/n", "::1 is a loopback address"},
		{"http://localhost:%d/n", "localhost is a loopback name"},
		{"http://LocalHost./n", "loopback name"},
		{"http://api.localhost/n", "loopback name"},
		{"http://10.0.0.5/n", "private address"},
		{"http://172.16.3.4/n", "private address"},
		{"http://192.168.1.1/n", "private address"},
		{"http://[fc00::1]/n", "private address"},
		{"http://[fd12:3456::1]/n", "private address"},
		{"http://169.254.1.1/n", "link-local address"},
		{"http://[fe80::1]/n", "link-local address"},
		{"http://[fe80::1%25eth0]/n", "link-local address"},
		{"http://169.254.169.254/latest/meta-data/", "cloud metadata address"},
		{"http://[fd00:ec2::254]/latest", "cloud metadata address"},
		{"http://0.0.0.0:%d/n", "unspecified address"},
		{"http://[::]:%d/n", "unspecified address"},
		{"http://0.1.2.3/n", "'this network'"},
		{"http://100.64.0.1/n", "CGNAT"},
		{"http://224.0.0.1/n", "multicast"},
		{"http://[ff02::1]/n", "multicast"},
		{"http://255.255.255.255/n", "broadcast"},
		{"http://[::ffff:127.0.0.1]:%d/n", "loopback address (IPv4-mapped)"},
		{"http://[::ffff:10.0.0.1]/n", "private address (IPv4-mapped)"},
		{"http://[::ffff:169.254.169.254]/n", "cloud metadata address (IPv4-mapped)"},
		{"http://[64:ff9b::7f00:1]/n", "loopback address (embedded in IPv6)"},
		{"http://[2002:a00:1::1]/n", "private address (embedded in IPv6)"},
		{"http://rebind.example:%d/n", "rebind.example resolves to 127.0.0.1, a loopback address"},
		{"http://private.example/n", "resolves to 10.1.2.3, a private address"},
		{"http://mapped.example/n", "loopback address (IPv4-mapped)"},
		{"http://metadata.example/n", "cloud metadata address"},
		{"https://10.0.0.5/n", "private address"},
		{"ftp://merchant.example/n", `scheme "ftp" is not http or https`},
		{"file:///etc/passwd", `scheme "file"`},
		{"gopher://127.0.0.1:%d/", `scheme "gopher"`},
		{"merchant.example/n", `scheme ""`},
		{"http:///n", "no host"},
		{"http://:80/n", "no host"},
		{"http:merchant.example", "no host"},
		{"http://bad host/n", "not a URL"},
	}
	for _, c := range cases {
		u := c.url
		if strings.Contains(u, "%d") {
			u = fmt.Sprintf(u, port)
		}
		t.Run(u, func(t *testing.T) {
			// Twice: once with the real dialer (a connection to the local
			// merchant would succeed if the guard let it through), once
			// with a dial hook that would record any approved address.
			plain, err := New(notifierConfig(t), Options{Resolver: testResolver})
			if err != nil {
				t.Fatal(err)
			}
			defer plain.CloseIdleConnections()
			hooked, log := guardedNotifier(t, m, nil)
			for _, n := range []*Notifier{plain, hooked} {
				err := n.Notify(context.Background(), successMessage(u))
				if !errors.Is(err, ErrNotifyRefused) {
					t.Fatalf("error %v, want ErrNotifyRefused", err)
				}
				if !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), c.reason) {
					t.Errorf("error %q lacks %q", err, c.reason)
				}
			}
			if d := log.addresses(); len(d) != 0 {
				t.Errorf("dialled %v", d)
			}
			if m.hits() != 0 {
				t.Errorf("merchant got %d requests", m.hits())
			}
		})
	}
}

func TestNotifyPublicAddressesPass(t *testing.T) {
	m := newMerchant(t, answerS)
	port := m.Listener.Addr().(*net.TCPAddr).Port
	cases := []struct {
		url  string
		want []string // addresses dialled
	}{
		{"http://merchant.example:%d/n", []string{"203.0.113.10:%d"}},
		{"https://merchant.example/n", []string{"203.0.113.10:443"}},
		{"http://MERCHANT.example./n", []string{"203.0.113.10:80"}},
		{"http://93.184.216.34/n", []string{"93.184.216.34:80"}},
		{"http://[2606:4700::1111]:8080/n", []string{"[2606:4700::1111]:8080"}},
		{"http://[::ffff:93.184.216.34]/n", []string{"[::ffff:93.184.216.34]:80"}},
		// The private address is skipped, the public one used.
		{"http://mixed.example/n", []string{"203.0.113.11:80"}},
	}
	for _, c := range cases {
		u := c.url
		if strings.Contains(u, "%d") {
			u = fmt.Sprintf(u, port)
		}
		t.Run(u, func(t *testing.T) {
			n, log := guardedNotifier(t, m, nil)
			msg := successMessage(u)
			if strings.HasPrefix(u, "https:") {
				// The local merchant speaks plain HTTP: the TLS handshake
				// fails, but only after the guard approved the address.
				if err := n.Notify(context.Background(), msg); err == nil || errors.Is(err, ErrNotifyRefused) {
					t.Fatalf("error %v, want a TLS failure", err)
				}
			} else if err := n.Notify(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range c.want {
				if strings.Contains(w, "%d") {
					w = fmt.Sprintf(w, port)
				}
				want = append(want, w)
			}
			if got := log.addresses(); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("dialled %v, want %v", got, want)
			}
		})
	}
}

func TestNotifyOperatorExceptions(t *testing.T) {
	m := newMerchant(t, answerS)
	port := m.Listener.Addr().(*net.TCPAddr).Port
	cases := []struct {
		name    string
		tune    func(*Options)
		url     string
		refused string // "" means delivered
	}{
		{"host allowed by name, private address", func(o *Options) { o.AllowHosts = []string{"Internal.Example"} },
			"http://internal.example/n", ""},
		{"name allowance covers that name only", func(o *Options) { o.AllowHosts = []string{"internal.example"} },
			"http://private.example/n", "private address"},
		{"range allowed", func(o *Options) { o.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} },
			"http://private.example/n", ""},
		{"range does not cover loopback", func(o *Options) { o.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} },
			"http://rebind.example/n", "loopback"},
		{"address allowed, reached by name", func(o *Options) { o.AllowHosts = []string{"10.1.2.3"} },
			"http://private.example/n", ""},
		{"address allowed, IPv4-mapped form", func(o *Options) { o.AllowHosts = []string{"10.1.2.3"} },
			"http://[::ffff:10.1.2.3]/n", ""},
		{"address allowance covers that address only", func(o *Options) { o.AllowHosts = []string{"127.0.0.1"} },
			"http://10.0.0.1/n", "private address"},
		{"localhost allowed by name", func(o *Options) { o.AllowHosts = []string{"localhost"} },
			"http://localhost:%d/n", "resolving localhost"}, // allowed, then the fake resolver knows no localhost
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := c.url
			if strings.Contains(u, "%d") {
				u = fmt.Sprintf(u, port)
			}
			n, log := guardedNotifier(t, m, c.tune)
			err := n.Notify(context.Background(), successMessage(u))
			switch {
			case c.refused == "" && err != nil:
				t.Fatalf("not delivered: %v", err)
			case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
				t.Fatalf("error %v, want %q", err, c.refused)
			case c.refused != "" && len(log.addresses()) != 0:
				t.Errorf("dialled %v", log.addresses())
			}
		})
	}
}

func TestNotifyLoopbackAllowedWithRealDialer(t *testing.T) {
	m := newMerchant(t, answerS)
	for _, allow := range []string{"127.0.0.1", "[127.0.0.1]", "::ffff:127.0.0.1"} {
		n, err := New(notifierConfig(t), Options{AllowHosts: []string{allow}, Resolver: testResolver})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Notify(context.Background(), successMessage(m.URL+"/n")); err != nil {
			t.Errorf("allowing %s: %v", allow, err)
		}
		n.CloseIdleConnections()
	}
	// rebind.example resolves to 127.0.0.1: the address allowance covers it.
	n, err := New(notifierConfig(t), Options{AllowHosts: []string{"127.0.0.1"}, Resolver: testResolver})
	if err != nil {
		t.Fatal(err)
	}
	defer n.CloseIdleConnections()
	port := m.Listener.Addr().(*net.TCPAddr).Port
	if err := n.Notify(context.Background(), successMessage(fmt.Sprintf("http://rebind.example:%d/n", port))); err != nil {
		t.Error(err)
	}
}

func TestNotifyRedirectToPrivateAddressNotFollowed(t *testing.T) {
	for _, target := range []string{"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "/again"} {
		m := newMerchant(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusTemporaryRedirect)
		})
		n, log := guardedNotifier(t, m, nil)
		err := n.Notify(context.Background(), successMessage("http://merchant.example/n"))
		if err == nil || !strings.Contains(err.Error(), "HTTP 307 (a redirect, not followed)") {
			t.Fatalf("redirect to %s: error %v", target, err)
		}
		if d := log.addresses(); len(d) != 1 || d[0] != "203.0.113.10:80" {
			t.Errorf("redirect to %s: dialled %v", target, d)
		}
		if m.hits() != 1 {
			t.Errorf("redirect to %s: merchant got %d requests", target, m.hits())
		}
	}
}

func TestGuardChecksTheDialledAddress(t *testing.T) {
	g := &ssrfGuard{allowAddrs: map[netip.Addr]bool{netip.MustParseAddr("10.9.9.9"): true}}
	ctl := g.control("merchant.example", false)
	for addr, refused := range map[string]bool{
		"127.0.0.1:80":             true,
		"[::1]:443":                true,
		"[::ffff:10.0.0.1]:80":     true,
		"169.254.169.254:80":       true,
		"[fe80::1%eth0]:80":        true,
		"not-an-address":           true,
		"93.184.216.34:443":        false,
		"[2606:4700::1111]:443":    false,
		"10.9.9.9:80":              false,
		"[::ffff:10.9.9.9]:80":     false,
		"[64:ff9b::5db8:d822]:443": false, // NAT64 of 93.184.216.34
	} {
		err := ctl(context.Background(), "tcp", addr, nil)
		if refused != errors.Is(err, ErrNotifyRefused) {
			t.Errorf("%s: error %v, refused want %v", addr, err, refused)
		}
	}
	if err := g.control("internal.example", true)(context.Background(), "tcp", "10.0.0.1:80", nil); err != nil {
		t.Errorf("host allowed by name: %v", err)
	}
}

func TestAddrRefusal(t *testing.T) {
	public := []string{"8.8.8.8", "93.184.216.34", "203.0.113.10", "100.63.255.255", "100.128.0.0", "172.32.0.1",
		"2606:4700::1111", "2001:db8::1", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"}
	for _, a := range public {
		if r := addrRefusal(netip.MustParseAddr(a)); r != "" {
			t.Errorf("%s refused: %s", a, r)
		}
	}
	refused := map[string]string{
		"127.0.0.1": "loopback", "10.255.255.255": "private", "172.31.0.1": "private", "192.168.0.1": "private",
		"169.254.0.1": "link-local", "169.254.169.254": "metadata", "fd00:ec2::254": "metadata",
		"100.64.0.0": "CGNAT", "100.127.255.255": "CGNAT", "0.0.0.0": "unspecified", "::": "unspecified",
		"224.0.0.251": "multicast", "ff05::2": "multicast", "fe80::abcd": "link-local", "fc00::": "private",
		"fec0::1": "site-local", "2001::1": "Teredo", "::7f00:1": "IPv4-compatible", "64:ff9b:1::1": "NAT64",
		"::ffff:0.0.0.0": "IPv4-mapped", "192.0.0.8": "IETF", "198.18.0.1": "benchmarking", "240.0.0.1": "reserved",
	}
	for a, want := range refused {
		if r := addrRefusal(netip.MustParseAddr(a)); !strings.Contains(r, want) {
			t.Errorf("%s: reason %q, want %q", a, r, want)
		}
	}
	if r := addrRefusal(netip.Addr{}); r == "" {
		t.Error("the zero Addr passes")
	}
}
