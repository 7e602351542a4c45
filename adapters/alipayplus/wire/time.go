package wire

import (
	"fmt"
	"strconv"
	"time"
)

// ParseTime reads a Request-Time (or Response-Time) header: ISO 8601
// with a UTC offset and at least second precision (mini-program form, e.g.
// 2019-04-04T12:08:56.253+05:30 or ...Z), or Unix epoch milliseconds
// (Antom form, e.g. 1685599933871).
func ParseTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, fmt.Errorf("alipayplus: empty time")
	}
	if isDigits(v) {
		if len(v) < 12 || len(v) > 14 {
			return time.Time{}, fmt.Errorf("alipayplus: time %q is not epoch milliseconds", v)
		}
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("alipayplus: time %q: %v", v, err)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("alipayplus: time %q is not ISO 8601 with an offset", v)
	}
	return t, nil
}

// FormatTime writes t as ISO 8601 with its UTC offset and second precision,
// the form of Response-Time and of every time field in answers.
func FormatTime(t time.Time) string { return t.Format("2006-01-02T15:04:05Z07:00") }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FormatRequestTime writes t as ISO 8601 with millisecond precision and its
// UTC offset, e.g. 2019-04-04T12:08:56.253+05:30: the form of the
// Request-Time header a request or notification carries.
func FormatRequestTime(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z07:00") }
