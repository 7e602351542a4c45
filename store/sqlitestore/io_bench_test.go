package sqlitestore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// processIO reads this process's I/O counters from /proc/self/io: read and
// write system calls (SQLite reads a page it does not have in its cache
// with one pread, and writes one with one pwrite) and the bytes they moved.
// A store is the only thing doing I/O during a timed run, so the
// difference over a run, per lifecycle, is the store's.
func processIO(context.Context) (map[string]float64, error) {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return nil, fmt.Errorf("I/O counters: %w", err)
	}
	defer f.Close()
	names := map[string]string{"syscr": "reads/op", "syscw": "writes/op", "rchar": "read-B/op", "wchar": "written-B/op"}
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ": ")
		if name, known := names[key]; ok && known {
			n, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return nil, fmt.Errorf("I/O counters: %q: %w", sc.Text(), err)
			}
			out[name] = n
		}
	}
	return out, sc.Err()
}
