package emulator_test

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Spec §8: header-signed requests (aws-sdk-go-v2's v4 signer), each row
// through HTTP with its envelope.
func TestSpecAudit_HeaderAuthErrors(t *testing.T) {
	ts := auditServer(t)
	put := objectURL(ts, "hdr")

	t.Run("ClockSkewOver15Minutes_IsRequestTimeTooSkewed", func(t *testing.T) {
		at := ts.Clock.Now().Add(-16 * time.Minute)
		req := signV4Header(t, ts, auditRequest(t, "GET", objectURL(ts, auditKey), nil, nil), nil, at)
		e := requireS3Error(t, auditSend(t, ts, req), http.StatusForbidden)
		assert.Equal(t, wireError{"RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", []string{
			"RequestTime", at.UTC().Format("20060102T150405Z"),
			"ServerTime", ts.Clock.Now().UTC().Format(isoSecond),
			"MaxAllowedSkewMilliseconds", "900000"}}, e)
	})
	t.Run("BodyDiffersFromContentSHA256_IsXAmzContentSHA256Mismatch", func(t *testing.T) {
		claimed := sha256Hex([]byte("what was signed"))
		req := auditRequest(t, "PUT", put, []byte("what was sent"), map[string]string{"X-Amz-Content-Sha256": claimed})
		e := requireS3Error(t, auditSend(t, ts, signV4Header(t, ts, req, nil, ts.Clock.Now())), http.StatusBadRequest)
		assert.Equal(t, wireError{"XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", []string{
			"ClientComputedContentSHA256", claimed, "S3ComputedContentSHA256", sha256Hex([]byte("what was sent"))}}, e)
	})
	t.Run("WrongScopeRegion_IsAuthorizationHeaderMalformedWithRegion", func(t *testing.T) {
		req := auditRequest(t, "GET", objectURL(ts, auditKey), nil, map[string]string{"X-Amz-Content-Sha256": sha256Hex(nil)})
		s3test.SignRequest(t, req, nil, auditCreds(ts), "eu-west-1", ts.Clock.Now())
		e := requireS3Error(t, auditSend(t, ts, req), http.StatusBadRequest)
		assert.Equal(t, wireError{"AuthorizationHeaderMalformed", "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
			[]string{"Region", "us-east-1"}}, e)
	})
	t.Run("NoUsableDate_IsAccessDenied", func(t *testing.T) {
		req := signV4Header(t, ts, auditRequest(t, "GET", objectURL(ts, auditKey), nil, nil), nil, ts.Clock.Now())
		req.Header.Del("X-Amz-Date")
		e := requireS3Error(t, auditSend(t, ts, req), http.StatusForbidden)
		assert.Equal(t, wireError{"AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", nil}, e)
	})
	t.Run("ContentMD5NotAnMD5_IsInvalidDigest", func(t *testing.T) {
		req := auditRequest(t, "PUT", put, []byte("x"), map[string]string{"Content-MD5": "bm90LWFuLW1kNQ=="})
		e := requireS3Error(t, auditSend(t, ts, signV4Header(t, ts, req, []byte("x"), ts.Clock.Now())), http.StatusBadRequest)
		assert.Equal(t, wireError{"InvalidDigest", "The Content-MD5 you specified was invalid.", []string{"Content-MD5", "bm90LWFuLW1kNQ=="}}, e)
	})
	t.Run("ContentMD5Mismatch_IsBadDigestExpectedHexForPutObject", func(t *testing.T) {
		other := md5.Sum([]byte("other"))
		got := md5.Sum([]byte("x"))
		req := auditRequest(t, "PUT", put, []byte("x"), map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(other[:])})
		e := requireS3Error(t, auditSend(t, ts, signV4Header(t, ts, req, []byte("x"), ts.Clock.Now())), http.StatusBadRequest)
		assert.Equal(t, wireError{"BadDigest", "The Content-MD5 you specified did not match what we received.", []string{
			"CalculatedDigest", base64.StdEncoding.EncodeToString(got[:]), "ExpectedDigest", hex.EncodeToString(other[:])}}, e)
	})
	t.Run("ChecksumNotBase64_IsInvalidRequest", func(t *testing.T) {
		req := auditRequest(t, "PUT", put, []byte("x"), map[string]string{"x-amz-checksum-crc32": "!!"})
		e := requireS3Error(t, auditSend(t, ts, signV4Header(t, ts, req, []byte("x"), ts.Clock.Now())), http.StatusBadRequest)
		assert.Equal(t, wireError{"InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid.", nil}, e)
	})
	t.Run("ChecksumMismatch_IsBadDigest", func(t *testing.T) {
		req := auditRequest(t, "PUT", put, []byte("x"), map[string]string{"x-amz-checksum-crc32": "AAAAAA=="})
		e := requireS3Error(t, auditSend(t, ts, signV4Header(t, ts, req, []byte("x"), ts.Clock.Now())), http.StatusBadRequest)
		assert.Equal(t, wireError{"BadDigest", "The CRC32 you specified did not match the calculated checksum.", nil}, e)
	})
	t.Run("NoContentLength_IsMissingContentLength", func(t *testing.T) {
		req := auditRequest(t, "PUT", put, nil, map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
		req.Body = io.NopCloser(strings.NewReader("streamed"))
		req.ContentLength = -1 // sent with Transfer-Encoding: chunked
		e := requireS3Error(t, auditSend(t, ts, signV4Header(t, ts, req, nil, ts.Clock.Now())), http.StatusLengthRequired)
		assert.Equal(t, wireError{"MissingContentLength", "You must provide the Content-Length HTTP header.", nil}, e)
	})
	t.Run("ShortBody_IsIncompleteBody", func(t *testing.T) {
		body := []byte("0123456789")
		req := auditRequest(t, "PUT", put, body, map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
		signV4Header(t, ts, req, nil, ts.Clock.Now())
		var raw bytes.Buffer
		require.NoError(t, req.Write(&raw))
		conn, err := net.Dial("tcp", ts.Host())
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Write(raw.Bytes()[:raw.Len()-4]) // 6 of 10 bytes
		require.NoError(t, err)
		require.NoError(t, conn.(*net.TCPConn).CloseWrite())
		resp, err := http.ReadResponse(bufio.NewReader(conn), req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		e := requireS3Error(t, auditResp{resp, b}, http.StatusBadRequest)
		assert.Equal(t, "IncompleteBody", e.Code)
		assert.Equal(t, "You did not provide the number of bytes specified by the Content-Length HTTP header", e.Message)
	})
}

// Spec §1: SigV2 (header auth here) SignatureDoesNotMatch carries four
// elements and no CanonicalRequest; a correct signature is accepted.
func TestSpecAudit_SigV2Header_SignatureDoesNotMatchHasFourElements(t *testing.T) {
	ts := auditServer(t)
	date := ts.Clock.Now().UTC().Format(http.TimeFormat)
	sts := "GET\n\n\n" + date + "\n/" + auditBucket + "/" + auditKey
	mac := hmac.New(sha1.New, []byte(ts.SecretAccessKey))
	mac.Write([]byte(sts))
	good := base64.StdEncoding.EncodeToString(mac.Sum(nil))

	r := auditSend(t, ts, auditRequest(t, "GET", objectURL(ts, auditKey), nil, map[string]string{"Date": date, "Authorization": "AWS " + ts.AccessKeyID + ":" + good}))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)

	r = auditSend(t, ts, auditRequest(t, "GET", objectURL(ts, auditKey), nil, map[string]string{"Date": date, "Authorization": "AWS " + ts.AccessKeyID + ":bm9wZQ=="}))
	e := requireS3Error(t, r, http.StatusForbidden)
	assert.Equal(t, wireError{"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		[]string{"AWSAccessKeyId", ts.AccessKeyID, "StringToSign", sts, "SignatureProvided", "bm9wZQ==", "StringToSignBytes", hexPairs(sts)}}, e)
}
