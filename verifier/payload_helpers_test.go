package verifier

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

// The AWS documentation's example credentials and time (sigv4-streaming).
const (
	testAccessKey = "AKIAIOSFODNN7EXAMPLE"
	testSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testScope     = "20130524/us-east-1/s3/aws4_request"
	testSeed      = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
)

var testTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func testVerifier() *Verifier {
	return New(Config{Region: "us-east-1", Credentials: NewStaticCredentials()})
}

// streamingResult is what Authenticate would hand Body for mode.
func streamingResult(mode PayloadMode, seed string) *Result {
	return &Result{Payload: Payload{
		Mode: mode, SeedSignature: seed, RequestTime: testTime, Scope: testScope,
		signingKey: deriveSigningKey(testSecret, "20130524", "us-east-1", "s3"),
	}}
}

// chunkedBody builds aws-chunked bodies. Chunk signatures come from
// aws-sdk-go-v2's stream signer, so the verifier is checked against AWS's
// own signing code rather than against itself.
type chunkedBody struct {
	mode     PayloadMode
	signer   *v4.StreamSigner
	prev     string
	buf      bytes.Buffer
	trailers []string
}

func newChunkedBody(mode PayloadMode, seed string) *chunkedBody {
	raw, err := hex.DecodeString(seed)
	if err != nil {
		panic(err)
	}
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}
	return &chunkedBody{mode: mode, prev: seed, signer: v4.NewStreamSigner(creds, "s3", "us-east-1", raw)}
}

func (c *chunkedBody) signed() bool {
	return c.mode == PayloadStreamingSigned || c.mode == PayloadStreamingSignedTrailer
}

func (c *chunkedBody) sign(data []byte) string {
	sig, err := c.signer.GetSignature(context.Background(), nil, data, testTime)
	if err != nil {
		panic(err)
	}
	c.prev = hex.EncodeToString(sig)
	return c.prev
}

// chunk appends one correctly framed and signed chunk (size 0 is the final).
func (c *chunkedBody) chunk(data []byte) *chunkedBody {
	if c.signed() {
		fmt.Fprintf(&c.buf, "%x;chunk-signature=%s\r\n", len(data), c.sign(data))
	} else {
		fmt.Fprintf(&c.buf, "%x\r\n", len(data))
	}
	c.buf.Write(data)
	if len(data) > 0 {
		c.buf.WriteString("\r\n")
	}
	return c
}

// chunkWithSig appends a chunk whose signature is sig, whatever it should be.
func (c *chunkedBody) chunkWithSig(data []byte, sig string) *chunkedBody {
	c.sign(data) // keep the SDK's chain where a correct client would be
	fmt.Fprintf(&c.buf, "%x;chunk-signature=%s\r\n", len(data), sig)
	c.buf.Write(data)
	if len(data) > 0 {
		c.buf.WriteString("\r\n")
	}
	return c
}

func (c *chunkedBody) final() *chunkedBody { return c.chunk(nil) }

func (c *chunkedBody) raw(s string) *chunkedBody {
	c.buf.WriteString(s)
	return c
}

func (c *chunkedBody) trailer(name, value string) *chunkedBody {
	c.trailers = append(c.trailers, name+":"+value)
	c.buf.WriteString(name + ":" + value + "\r\n")
	return c
}

// trailerSignature signs the trailers written so far, as the AWS docs
// describe (AWS4-HMAC-SHA256-TRAILER over the hash of "name:value\n" lines).
func (c *chunkedBody) trailerSignature() string {
	var canon bytes.Buffer
	for _, t := range c.trailers {
		canon.WriteString(t + "\n")
	}
	sum := sha256.Sum256(canon.Bytes())
	sts := "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n" + testScope + "\n" + c.prev + "\n" + hex.EncodeToString(sum[:])
	key := []byte("AWS4" + testSecret)
	for _, part := range []string{"20130524", "us-east-1", "s3", "aws4_request"} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(part))
		key = m.Sum(nil)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// end writes the trailer signature (signed-trailer mode) and the final CRLF.
func (c *chunkedBody) end() []byte {
	if c.mode == PayloadStreamingSignedTrailer {
		c.buf.WriteString("x-amz-trailer-signature:" + c.trailerSignature() + "\r\n")
	}
	c.buf.WriteString("\r\n")
	return c.buf.Bytes()
}

// encodeChunked frames data in chunks of chunkSize, with a trailer for alg
// when alg is not "".
func encodeChunked(mode PayloadMode, data []byte, chunkSize int, alg string) []byte {
	c := newChunkedBody(mode, testSeed)
	for off := 0; off < len(data); off += chunkSize {
		c.chunk(data[off:min(off+chunkSize, len(data))])
	}
	c.final()
	if alg != "" {
		c.trailer(checksumHeader(alg), checksumOf(alg, data))
	}
	return c.end()
}

func checksumOf(alg string, data []byte) string {
	h, ok := NewChecksumHash(alg)
	if !ok {
		panic(alg)
	}
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// chunkedRequest is a PUT carrying body with the headers aws-chunked needs.
func chunkedRequest(body []byte, decoded int64, trailer string) *http.Request {
	r := httptest.NewRequest(http.MethodPut, "/bucket/key", bytes.NewReader(body))
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(decoded, 10))
	if trailer != "" {
		r.Header.Set("X-Amz-Trailer", trailer)
	}
	return r
}

// readBody drains b and returns what it yielded and the final error (nil
// for a clean io.EOF).
func readBody(b *Body) ([]byte, error) {
	var out bytes.Buffer
	buf := make([]byte, 7919) // odd size: reads straddle chunk boundaries
	for {
		n, err := b.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			return out.Bytes(), nil
		}
		if err != nil {
			return out.Bytes(), err
		}
	}
}

// requireS3Error is wantErr (code, status, message, element names in wire
// order) that also checks the elements' values.
func requireS3Error(t *testing.T, err error, code s3err.Code, status int, message string, extra ...s3err.Element) *s3err.Error {
	t.Helper()
	names := make([]string, len(extra))
	for i, el := range extra {
		names[i] = el.Name
	}
	e := wantErr(t, err, status, code, message, names...)
	if len(extra) > 0 {
		require.Equal(t, extra, e.Extra, "extra element values")
	}
	return e
}

func el(name, value string) s3err.Element { return s3err.Element{Name: name, Value: value} }

// pattern is deterministic test data that is not all one byte.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}
