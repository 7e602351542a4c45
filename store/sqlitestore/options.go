package sqlitestore

import (
	"fmt"
	"runtime"
	"time"
)

// Synchronous is SQLite's synchronous setting for the connections that
// commit: how hard a commit insists that its data reached the disk.
type Synchronous string

// The settings a Store accepts. OFF is not offered: it trades away the
// durability that Store.Commit promises.
const (
	// SyncFull syncs the write-ahead log on every commit: an acknowledged
	// commit survives a process crash, an OS crash and a power loss. The
	// default.
	SyncFull Synchronous = "FULL"
	// SyncExtra is SyncFull plus a sync of the directory after the log is
	// reset; only worth it on file systems that need it.
	SyncExtra Synchronous = "EXTRA"
	// SyncNormal syncs the log only at checkpoints: commits survive a
	// process crash but the last ones may be lost on an OS crash or power
	// loss. Faster; it weakens Store.Commit's promise, so choose it
	// knowingly.
	SyncNormal Synchronous = "NORMAL"
)

// level is the value PRAGMA synchronous reports for s.
func (s Synchronous) level() (int, error) {
	switch s {
	case SyncNormal:
		return 1, nil
	case SyncFull:
		return 2, nil
	case SyncExtra:
		return 3, nil
	}
	return 0, fmt.Errorf("sqlitestore: unknown Synchronous %q (want FULL, EXTRA or NORMAL)", string(s))
}

// Options tunes a Store. The zero value is the recommended configuration.
type Options struct {
	// Synchronous is the durability of commits. Zero means SyncFull.
	// Open applies it; New checks that the caller's connection is at least
	// this durable.
	Synchronous Synchronous

	// BusyTimeout is how long a statement waits for a lock held by another
	// process before it fails with SQLITE_BUSY (writers of one Store queue
	// in Go and do not wait here). Zero means 5 seconds. Open applies it;
	// New only checks that the caller's connection has a busy timeout.
	BusyTimeout time.Duration

	// MaxConns caps the connections Open (and OpenDB) keeps open: at most
	// one of them writes at a time, the others read concurrently thanks to
	// WAL. Zero means GOMAXPROCS+1, at least 4. New leaves the caller's
	// pool alone.
	MaxConns int
}

// withDefaults returns o with every zero field replaced by its default, or
// an error for a value out of range.
func (o Options) withDefaults() (Options, error) {
	if o.Synchronous == "" {
		o.Synchronous = SyncFull
	}
	if _, err := o.Synchronous.level(); err != nil {
		return o, err
	}
	switch {
	case o.BusyTimeout == 0:
		o.BusyTimeout = 5 * time.Second
	case o.BusyTimeout < time.Millisecond:
		return o, fmt.Errorf("sqlitestore: BusyTimeout %v is below one millisecond", o.BusyTimeout)
	}
	switch {
	case o.MaxConns == 0:
		o.MaxConns = max(4, runtime.GOMAXPROCS(0)+1)
	case o.MaxConns < 0:
		return o, fmt.Errorf("sqlitestore: negative MaxConns %d", o.MaxConns)
	}
	return o, nil
}
