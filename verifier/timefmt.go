package verifier

import (
	"net/http"
	"strconv"
	"time"
)

// The time layouts S3 auth uses on the wire.
const (
	// amzDateLayout is SigV4's ISO 8601 basic form: X-Amz-Date, x-amz-date.
	amzDateLayout = "20060102T150405Z"
	// dayLayout is the credential-scope day.
	dayLayout = "20060102"
	// isoSecondLayout is how S3 prints Expires and ServerTime in errors.
	isoSecondLayout = "2006-01-02T15:04:05Z"
)

// parseAmzDate parses an ISO 8601 basic timestamp strictly, as S3 does for
// X-Amz-Date: exactly 16 characters ending in Z.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(amzDateLayout) {
		return time.Time{}, false
	}
	if t, ok := parseAmzDateDigits(s); ok {
		return t, true
	}
	t, err := time.Parse(amzDateLayout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// parseAmzDateDigits reads a 16-byte "YYYYMMDDTHHMMSSZ" of plain digits
// and in-range fields, which is every timestamp a signer sends, several
// times faster than time.Parse. It refuses anything else, leaving the
// verdict to time.Parse, so it never accepts what time.Parse would refuse.
func parseAmzDateDigits(s string) (time.Time, bool) {
	if s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(4, 6), num(6, 8)
	hour, minute, sec := num(9, 11), num(11, 13), num(13, 15)
	if !ok || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// parseHTTPDate accepts the Date header forms clients send: RFC 1123 (with
// GMT or a numeric zone), RFC 850 and ANSI C.
func parseHTTPDate(s string) (time.Time, bool) {
	if t, err := http.ParseTime(s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.RFC1123Z, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// isoSecond formats t as S3's error bodies do (UTC, second precision).
func isoSecond(t time.Time) string { return t.UTC().Format(isoSecondLayout) }

// epochMillis is how "Request is not yet valid" echoes X-Amz-Date.
func epochMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
