package emulator

import (
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// parseRange resolves a Range header against an object of size bytes. S3
// honours a single bytes range; it ignores a header it cannot parse and
// one asking for several ranges (the whole object is returned with 200), so
// both give a nil range. A range starting past the end is 416 InvalidRange.
func parseRange(header string, size int64) (*store.Range, error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(header), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil, nil
	}
	unsatisfiable := func() error {
		return s3err.New(s3err.InvalidRange).
			With("RangeRequested", header).With("ActualObjectSize", strconv.FormatInt(size, 10))
	}
	if first == "" {
		// Suffix range: the last n bytes.
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return nil, nil
		}
		if n == 0 || size == 0 {
			return nil, unsatisfiable()
		}
		if n > size {
			n = size
		}
		return &store.Range{Start: size - n, Length: n}, nil
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return nil, nil
	}
	end := size - 1
	if last != "" {
		e, err := strconv.ParseInt(last, 10, 64)
		if err != nil || e < start {
			return nil, nil
		}
		if e < end {
			end = e
		}
	}
	if start >= size {
		return nil, unsatisfiable()
	}
	return &store.Range{Start: start, Length: end - start + 1}, nil
}
