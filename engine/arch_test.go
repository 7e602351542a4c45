package engine_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

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
