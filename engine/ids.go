package engine

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// TimeOrderedID returns a new 32-hex-digit id that sorts after the ids of
// earlier milliseconds: 12 hex digits of t's Unix milliseconds (times
// before 1970 count as 0) followed by 20 hex digits (80 bits) from
// crypto/rand. Within one millisecond ids are unordered; two ids collide
// only if made in the same millisecond with the same 80 random bits.
//
// It is the default of Config.NewID: new rows land at the right edge of
// the stores' id indexes instead of on random pages, which keeps inserts
// fast on a store holding millions of payments (docs/decisions.md, 34).
func TimeOrderedID(t time.Time) string {
	ms := max(t.UnixMilli(), 0)
	var b [16]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
