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
	t, err := time.Parse(amzDateLayout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
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
