package emulator

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
)

// In warn mode an aws-chunked upload whose chunk signatures, seed
// signature or trailing checksum are wrong is stored as sent and reported;
// one whose framing is cut short is still refused and stores nothing.
func TestWarnMode_AWSChunked(t *testing.T) {
	data := payload(10500)
	chunks := [][]byte{data[:10000], data[10000:]}
	tests := []struct {
		name        string
		spec        chunkedSpec
		wrongSecret bool
		status      int
		code        string
	}{
		{name: "bad chunk signature", spec: chunkedSpec{mode: streamingSigned, chunks: chunks, badSignature: 2}, status: 200, code: "SignatureDoesNotMatch"},
		{name: "seed signed with a wrong secret", spec: chunkedSpec{mode: streamingSigned, chunks: chunks}, wrongSecret: true, status: 200, code: "SignatureDoesNotMatch"},
		{name: "bad trailer checksum", spec: chunkedSpec{mode: streamingUnsignedTrailer, chunks: chunks,
			trailer: [2]string{"x-amz-checksum-crc32", sumOf(t, "CRC32", []byte("other"))}}, status: 200, code: "BadDigest"},
		{name: "truncated body", spec: chunkedSpec{mode: streamingSigned, chunks: chunks, cut: 120}, status: 400, code: "IncompleteBody"},
	}
	ts := NewTestServer(t, WithOptions(func(o *Options) { o.Enforce = EnforceWarn }))
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signer := ts
			if tt.wrongSecret {
				cp := *ts
				cp.SecretAccessKey = "not-the-secret"
				signer = &cp
			}
			resp, body := do(t, ts, chunkedRequest(t, signer, ts.URL+"/bkt/k", tt.spec))
			require.Equal(t, tt.status, resp.StatusCode, "%s", body)
			_, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
			if tt.status != http.StatusOK {
				assert.Equal(t, tt.code, parseError(t, body).Code)
				assert.Empty(t, resp.Header.Get(WarningHeader))
				apiErr(t, err, "NotFound", 404)
				return
			}
			assert.Contains(t, resp.Header.Get(WarningHeader), tt.code)
			assert.Equal(t, data, []byte(s3test.MustGetBody(t, ts.Client, "bkt", "k")))
			_, err = ts.Client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
			require.NoError(t, err)
		})
	}
}

// A broken chunk-signature chain is one finding, not one per later chunk:
// what a client sends cannot grow the warnings without bound.
func TestWarnMode_BrokenChunkChain_IsOneWarning(t *testing.T) {
	data := payload(5 * 8192)
	var chunks [][]byte
	for i := 0; i < len(data); i += 8192 {
		chunks = append(chunks, data[i:i+8192])
	}
	ts := NewTestServer(t, WithOptions(func(o *Options) { o.Enforce = EnforceWarn }))
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	resp, body := do(t, ts, chunkedRequest(t, ts, ts.URL+"/bkt/k", chunkedSpec{mode: streamingSigned, chunks: chunks, badSignature: 2}))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, []string{"SignatureDoesNotMatch"}, resp.Header.Values(WarningHeader))
}

// DeleteObjects checks a permission per key; the warnings a request keeps
// are bounded all the same.
func TestWarnMode_WarningsPerRequestAreBounded(t *testing.T) {
	c := &call{w: &statusWriter{ResponseWriter: httptest.NewRecorder(), onStatus: func() {}}}
	for range 3 * maxWarningsPerRequest {
		c.warn(s3err.New(s3err.AccessDenied))
	}
	assert.Len(t, c.warnings, maxWarningsPerRequest)
	assert.Len(t, c.w.Header().Values(WarningHeader), maxWarningsPerRequest)
	assert.Equal(t, 2*maxWarningsPerRequest, c.moreWarnings)
	attrs, level := c.warnAttrs(nil, slog.LevelInfo)
	assert.Equal(t, slog.LevelWarn, level)
	assert.Contains(t, attrs, slog.Int("warnings", 3*maxWarningsPerRequest))
}
