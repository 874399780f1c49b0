package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deadlineRecorder is a ResponseWriter that takes deadlines, as net/http's
// does, and records each one set.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	reads, writes []time.Time
}

func (d *deadlineRecorder) SetReadDeadline(t time.Time) error {
	d.reads = append(d.reads, t)
	return nil
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.writes = append(d.writes, t)
	return nil
}

func TestIdleWatch_SetsEachDeadlineOnceAQuarterOfTheTimeout(t *testing.T) {
	const idle = 20 * time.Second
	rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	r := httptest.NewRequest(http.MethodPut, "/b/k", strings.NewReader(strings.Repeat("x", 4096)))
	start := time.Now()
	w, body, wa := idleTimeouts{read: idle, write: idle}.watch(rec, r)
	require.NotNil(t, body)
	buf := make([]byte, 512)
	for {
		if _, err := body.Read(buf); err == io.EOF {
			break
		}
	}
	w.WriteHeader(http.StatusOK)
	for range 10 {
		_, err := w.Write([]byte("y"))
		require.NoError(t, err)
	}
	require.NoError(t, wa.end(nil, w.Header()))

	require.Len(t, rec.reads, 1, "nine reads within a quarter of the timeout set the read deadline once")
	require.Len(t, rec.writes, 1, "the writes set the write deadline once")
	for _, d := range []time.Time{rec.reads[0], rec.writes[0]} {
		assert.False(t, d.Before(start.Add(idle+idle/rearmSlack)), "a deadline set is the timeout and its slack ahead")
	}

	// Once a quarter of the timeout has passed since, the next read or
	// write sets it again, so progress always leaves a whole timeout.
	wa.writeArmed.at = time.Now().Add(-idle / rearmSlack)
	_, err := w.Write([]byte("y"))
	require.NoError(t, err)
	assert.Len(t, rec.writes, 2)
}

func TestArmed_DueFirstAndAfterAQuarterOfTheTimeout(t *testing.T) {
	const idle = 8 * time.Second
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	var a armed
	assert.True(t, a.due(now, idle), "never set")
	a.at = now
	assert.False(t, a.due(now.Add(idle/rearmSlack-time.Nanosecond), idle))
	assert.True(t, a.due(now.Add(idle/rearmSlack), idle))
}
