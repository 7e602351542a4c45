package paystate_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/paystate/paystate"

// rule is what one package may import: paystate packages (module-relative
// paths), third-party packages (import path prefixes), and, when pure,
// no standard package that reaches outside the process or reads the global
// random source.
type rule struct {
	paystate []string
	external []string
	pure     bool
}

// impure are the standard packages a pure package must not import, each
// with every package below it: the network, the database, the file system
// and processes, and math/rand's seeded sources (ids and times come in
// through the caller; crypto/rand, which default ids use, is allowed).
var impure = []string{"net", "database/sql", "os", "syscall", "math/rand"}

// allowed is the dependency direction of the module, package by package
// (examples -> adapters -> engine -> store; each backend -> store), and
// its exceptions, each named: test kits and benchmark harnesses
// (enginetest, storebench) sit beside what they test and may import it. A
// new package, or a new import between packages, is a decision made here.
var allowed = map[string]rule{
	"":      {},
	"store": {pure: true},
	"engine": {paystate: []string{"store"}, pure: true,
		external: []string{"github.com/looplab/fsm", "github.com/shopspring/decimal"}},
	"engine/memfunds": {paystate: []string{"engine"}},
	"engine/worker":   {paystate: []string{"engine", "store"}},
	"engine/enginetest": {paystate: []string{"engine", "engine/memfunds", "store", "store/memstore", "store/storetest"},
		external: []string{"pgregory.net/rapid", "github.com/stretchr/testify"}},

	"store/memstore":            {paystate: []string{"store"}},
	"store/sqlitestore":         {paystate: []string{"store"}, external: []string{"modernc.org/sqlite"}},
	"store/pgstore":             {paystate: []string{"store"}, external: []string{"github.com/jackc/pgx/v5"}},
	"store/pgstore/pgstoretest": {paystate: []string{"store/pgstore"}, external: []string{"github.com/jackc/pgx/v5"}},
	"store/storetest":           {paystate: []string{"store"}, external: []string{"github.com/stretchr/testify"}},
	"store/storebench":          {paystate: []string{"engine", "engine/memfunds", "store"}},
	"store/crashtest":           {},

	// The Alipay+ adapter: the wire vocabulary and signing stand alone, the
	// merchant's client uses only them, the server maps the engine onto
	// them, and the notifier delivers what the server writes.
	"adapters/alipayplus/wire":                {pure: true},
	"adapters/alipayplus/signing":             {},
	"adapters/alipayplus/client":              {paystate: []string{"adapters/alipayplus/wire", "adapters/alipayplus/signing"}},
	"adapters/alipayplus":                     {paystate: []string{"adapters/alipayplus/wire", "adapters/alipayplus/signing", "engine"}},
	"adapters/alipayplus/notify":              {paystate: []string{"adapters/alipayplus", "adapters/alipayplus/signing", "adapters/alipayplus/wire", "engine"}},
	"adapters/alipayplus/internal/alipaytest": {},
	"adapters/cashier":                        {paystate: []string{"engine"}},
	"adapters/cashier/cashiertest":            {external: []string{"github.com/chromedp/", "github.com/stretchr/testify"}},

	// A merchant's library and load generator know the wire and the
	// client, never the wallet. One exception: the merchant command line
	// reads amounts in major units with the engine's ISO 4217 table, the
	// one table of currency exponents in the module.
	"examples/merchant/shop": {paystate: []string{"adapters/alipayplus/client", "adapters/alipayplus/signing", "adapters/alipayplus/wire"}},
	"examples/merchant":      {paystate: []string{"adapters/alipayplus/wire", "engine", "examples/merchant/shop"}, external: []string{"github.com/shopspring/decimal"}},
	"examples/loadgen/load":  {paystate: []string{"adapters/alipayplus/wire", "examples/merchant/shop"}},
	"examples/loadgen":       {paystate: []string{"examples/loadgen/load", "examples/merchant/shop"}},

	"examples/wallet/ledger": {paystate: []string{"engine"}, external: []string{"github.com/jackc/pgx/v5", "modernc.org/sqlite"}},
	"examples/wallet/app": {paystate: []string{"adapters/alipayplus", "adapters/alipayplus/notify", "adapters/alipayplus/signing",
		"adapters/cashier", "engine", "engine/worker", "examples/merchant/shop", "examples/wallet/ledger",
		"store", "store/pgstore", "store/sqlitestore"}, external: []string{"github.com/jackc/pgx/v5", "github.com/prometheus/client_golang"}},
	"examples/wallet":            {paystate: []string{"examples/wallet/app"}},
	"examples/wallet/wallettest": {paystate: []string{"examples/merchant/shop", "examples/wallet/app"}, external: []string{"github.com/stretchr/testify"}},
	"examples/demo":              {paystate: []string{"adapters/alipayplus/wire", "examples/merchant/shop", "examples/wallet/app"}},
	"examples/drills":            {},
	// The whole-process benchmark drives a wallet binary as a merchant
	// would: it knows the wire and the merchant's library, never the
	// wallet's packages.
	"examples/httpbench": {paystate: []string{"adapters/alipayplus/signing", "adapters/alipayplus/wire", "examples/merchant/shop"}, external: []string{"github.com/jackc/pgx/v5"}},
	"examples/embed":     {},
	"fuzz":               {},
}

// TestImportsFollowTheAllowList holds every package of the module (not its
// tests) to its rule in allowed, and every package to having one.
func TestImportsFollowTheAllowList(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		seen[rel] = true
		r, ok := allowed[rel]
		if !ok {
			t.Errorf("package %q has no rule in allowed: add one saying what it may import", rel)
			continue
		}
		for _, imp := range p.Imports {
			if problem := r.check(imp); problem != "" {
				t.Errorf("package %q imports %s: %s", rel, imp, problem)
			}
		}
	}
	for rel := range allowed {
		if !seen[rel] {
			t.Errorf("allowed has a rule for %q, which is not a package of the module", rel)
		}
	}
}

// check returns why r forbids importing imp, or "".
func (r rule) check(imp string) string {
	switch {
	case imp == module || strings.HasPrefix(imp, module+"/"):
		if !slices.Contains(r.paystate, strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")) {
			return "not in its paystate imports"
		}
	case strings.Contains(strings.Split(imp, "/")[0], "."):
		for _, prefix := range r.external {
			if strings.HasPrefix(imp, prefix) {
				return ""
			}
		}
		return "not in its third-party imports"
	case r.pure && slices.ContainsFunc(impure, func(p string) bool { return imp == p || strings.HasPrefix(imp, p+"/") }):
		return "a pure package reaches outside the process"
	}
	return ""
}
