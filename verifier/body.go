package verifier

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Body is the verified payload of a request: reading it yields the bytes the
// client meant to store (aws-chunked framing removed), and the read that
// would return io.EOF instead returns an *s3err.Error when the payload does
// not match what the request declared. Callers that store data must treat
// any error, including at EOF, as "store nothing".
type Body struct {
	r    io.Reader
	mode PayloadMode
	want string
	sha  hash.Hash
	n    int64
	err  error
}

// Body wraps r.Body for the checks res.Payload and r's headers call for.
func (v *Verifier) Body(r *http.Request, res *Result) (*Body, error) {
	if res.Payload.Mode.Streaming() {
		return nil, s3err.New(s3err.NotImplemented).WithDiagnosis("aws-chunked bodies are not supported yet")
	}
	b := &Body{r: r.Body, mode: res.Payload.Mode, want: res.Payload.SHA256}
	if b.r == nil {
		b.r = http.NoBody
	}
	if b.mode == PayloadSHA256 {
		b.sha = sha256.New()
	}
	return b, nil
}

// Read implements io.Reader.
func (b *Body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.sha != nil {
		b.sha.Write(p[:n])
	}
	if err == io.EOF && b.sha != nil {
		if got := hex.EncodeToString(b.sha.Sum(nil)); got != b.want {
			err = s3err.New(s3err.XAmzContentSHA256Mismatch).
				With("ClientComputedContentSHA256", b.want).
				With("S3ComputedContentSHA256", got)
		}
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

// Size is the number of payload bytes read so far.
func (b *Body) Size() int64 { return b.n }
