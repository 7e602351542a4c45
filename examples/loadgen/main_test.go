package main

import (
	"bytes"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/wallet/wallettest"
)

// Against a wallet that is not running, every operation goes unanswered;
// verification then stops asking after -notify-wait instead of retrying
// each payment's inquiry, and says why.
func TestUnreachableWalletEndsWithinNotifyWait(t *testing.T) {
	dir := wallettest.Demo(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	var out bytes.Buffer
	begin := time.Now()
	ok, err := run(t.Context(), []string{"-config", filepath.Join(dir, wallettest.MerchantConfig), "-wallet", closed,
		"-workers", "2", "-duration", "500ms", "-notify-wait", "2s"}, &out)
	require.NoError(t, err)
	assert.False(t, ok, "nothing was answered: the run is not a success")
	assert.Less(t, time.Since(begin), time.Minute, "a generous bound: before, verification retried every payment for a minute")
	assert.Contains(t, out.String(), "verification stopped asking: the wallet gave no definite answer for 2s")
	assert.Contains(t, out.String(), "loadgen: is the wallet running at "+closed+"?")
}
