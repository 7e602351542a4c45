package wire

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	ist := time.FixedZone("+05:30", 5*3600+1800)
	ok := []struct {
		in   string
		want time.Time
	}{
		{"2019-04-04T12:08:56.253+05:30", time.Date(2019, 4, 4, 12, 8, 56, 253e6, ist)},
		{"2019-04-04T12:08:56+05:30", time.Date(2019, 4, 4, 12, 8, 56, 0, ist)},
		{"2019-04-04T06:38:56Z", time.Date(2019, 4, 4, 6, 38, 56, 0, time.UTC)},
		{"2019-04-04T06:38:56.123456789Z", time.Date(2019, 4, 4, 6, 38, 56, 123456789, time.UTC)},
		{"2019-04-04T06:38:56-03:00", time.Date(2019, 4, 4, 9, 38, 56, 0, time.UTC)},
		{"1685599933871", time.UnixMilli(1685599933871)},
		{"100000000000", time.UnixMilli(100000000000)},     // 12 digits: 1973
		{"99999999999999", time.UnixMilli(99999999999999)}, // 14 digits
	}
	for _, c := range ok {
		got, err := ParseTime(c.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("ParseTime(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, in := range []string{
		"",
		"0001685599933871",          // too many digits
		"1685599933",                // epoch seconds
		"12345678901",               // 11 digits
		"-1685599933871",            // sign
		"1685599933871.5",           // fraction
		"2019-04-04T12:08:56",       // no offset
		"2019-04-04 12:08:56+05:30", // space
		"2019-04-04T12:08+05:30",    // no seconds
		"2019-04-04",                // date only
		"2019-04-04T12:08:56+0530",  // offset without colon
		"2019-13-04T12:08:56Z",      // month 13
		"yesterday",
		" 1685599933871",
	} {
		if got, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) = %s, want an error", in, got)
		}
	}
}

func TestFormatTime(t *testing.T) {
	ist := time.FixedZone("", 5*3600+1800)
	cases := map[string]time.Time{
		"2019-04-04T12:08:56+05:30": time.Date(2019, 4, 4, 12, 8, 56, 999e6, ist),
		"2026-03-04T05:06:07Z":      time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
	}
	for want, in := range cases {
		if got := FormatTime(in); got != want {
			t.Errorf("FormatTime(%s) = %q, want %q", in, got, want)
		}
		back, err := ParseTime(FormatTime(in))
		if err != nil || !back.Equal(in.Truncate(time.Second)) {
			t.Errorf("round trip of %s: %s, %v", in, back, err)
		}
	}
}
