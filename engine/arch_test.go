package engine_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDependencyDirection keeps the engine and the store contract pure:
// no transport, no database driver, no file system, no backend
// (DESIGN.md: examples -> adapters -> engine -> store).
func TestDependencyDirection(t *testing.T) {
	forbidden := []string{"net/http", "database/sql", "os", "os/exec", "math/rand", "math/rand/v2",
		"github.com/paystate/paystate/store/", "github.com/paystate/paystate/adapters", "github.com/paystate/paystate/examples"}
	for _, pkg := range []string{"./", "../store"} {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, pkg).Output()
		require.NoError(t, err, "go list %s", pkg)
		for _, imp := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				bad := imp == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(imp, f)) ||
					(!strings.HasSuffix(f, "/") && strings.HasPrefix(imp, f+"/") && strings.HasPrefix(f, "github.com/"))
				require.Falsef(t, bad, "package %s imports %s", pkg, imp)
			}
		}
	}
}

// TestEngineReadsNoGlobalClock: time and ids come only through Config.Now
// and Config.NewID (config.go names time.Now as the default without calling
// it).
func TestEngineReadsNoGlobalClock(t *testing.T) {
	calls := regexp.MustCompile(`time\.(Now|Since|Until)\(|time\.(After|Tick|Sleep|NewTimer|NewTicker)\(`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Falsef(t, calls.Match(src), "%s reads the global clock: %s", f, calls.Find(src))
	}
}

// TestStoreSuiteNeedsNoEngine: the store conformance suite checks the
// store contract alone (DESIGN.md: storetest -> store); what needs the
// engine over a store is enginetest.RunStore.
func TestStoreSuiteNeedsNoEngine(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../store/storetest").Output()
	require.NoError(t, err, "go list -deps ../store/storetest")
	for _, dep := range strings.Fields(string(out)) {
		require.Falsef(t, strings.HasPrefix(dep, "github.com/paystate/paystate/engine"),
			"store/storetest depends on %s", dep)
	}
}
