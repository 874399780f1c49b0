package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// Spec §4: a response-* override S3 cannot send as an ISO-8859-1 header
// value is refused, for SigV2 and SigV4 URLs alike; Latin-1 is fine.
func TestSpecAudit_ResponseOverrideOutsideISO88591_IsInvalidArgument(t *testing.T) {
	ts := auditServer(t)
	exp := ts.Clock.Now().Add(time.Hour).Unix()
	bad := url.Values{"response-cache-control": {"max-age=1 ✓"}}.Encode()
	latin1 := url.Values{"response-content-disposition": {`attachment; filename="café.txt"`}}.Encode()
	cases := map[string]struct {
		method, url string
	}{
		"SigV2 GET": {http.MethodGet, presignV2(ts, "GET", "/"+auditBucket+"/"+auditKey, bad, "", "", exp)},
		"SigV4 GET": {http.MethodGet, presignV4(t, ts, "GET", objectURL(ts, auditKey)+"?"+bad, nil, ts.Clock.Now(), time.Hour)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := auditSend(t, ts, auditRequest(t, tc.method, tc.url, nil, nil))
			e := requireS3Error(t, r, http.StatusBadRequest)
			assert.Equal(t, wireError{"InvalidArgument", "Header value cannot be represented using ISO-8859-1.",
				[]string{"ArgumentName", "response-cache-control", "ArgumentValue", "max-age=1 ✓"}}, e)
		})
	}
	t.Run("Latin-1 is representable", func(t *testing.T) {
		r := auditSend(t, ts, auditRequest(t, "GET", presignV2(ts, "GET", "/"+auditBucket+"/"+auditKey, latin1, "", "", exp), nil, nil))
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
		assert.Equal(t, auditContent, string(r.Body))
		// S3 writes the value in ISO-8859-1: "é" is the one byte 0xE9
		// (the bytes a Latin-1 HTTP client such as Python's decodes back).
		assert.Equal(t, "attachment; filename=\"caf\xe9.txt\"", r.Header.Get("Content-Disposition"))
	})
}

// Spec §4: non-ASCII x-amz-meta-* values in the query are stored
// RFC 2047-encoded; ASCII values verbatim.
func TestSpecAudit_NonASCIIQueryMetadata_IsStoredRFC2047Encoded(t *testing.T) {
	ts := auditServer(t)
	exp := ts.Clock.Now().Add(time.Hour).Unix()
	cases := map[string]string{
		"SigV2": presignV2(ts, "PUT", "/"+auditBucket+"/v2", "x-amz-meta-city=Z%C3%BCrich&x-amz-meta-plain=abc", "",
			"x-amz-meta-city:Zürich\nx-amz-meta-plain:abc\n", exp),
		"SigV4": presignV4(t, ts, "PUT", objectURL(ts, "v4")+"?x-amz-meta-city=Z%C3%BCrich&x-amz-meta-plain=abc", nil, ts.Clock.Now(), time.Hour),
	}
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			r := auditSend(t, ts, auditRequest(t, http.MethodPut, u, []byte("x"), nil))
			require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
			key := strings.TrimPrefix(strings.ToLower(name), "sig")
			head, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(auditBucket), Key: aws.String(key)})
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"city": "=?UTF-8?Q?Z=C3=BCrich?=", "plain": "abc"}, head.Metadata)
		})
	}
}

// Spec §4: SigV2 pre-signed URLs.
func TestSpecAudit_SigV2Query(t *testing.T) {
	ts := auditServer(t)
	exp := ts.Clock.Now().Add(time.Hour).Unix()
	path := "/" + auditBucket + "/" + auditKey
	good := presignV2(ts, "GET", path, "", "", "", exp)

	t.Run("MissingOneOfThree_Is403AccessDenied", func(t *testing.T) {
		for _, drop := range []string{"AWSAccessKeyId", "Expires", "Signature"} {
			u, _ := url.Parse(good)
			q := u.Query()
			q.Del(drop)
			u.RawQuery = q.Encode()
			e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u.String(), nil, nil)), http.StatusForbidden)
			assert.Equal(t, wireError{"AccessDenied", "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters", nil}, e, drop)
		}
	})
	t.Run("ContentTypeAdded_IsSignatureDoesNotMatchWithoutCanonicalRequest", func(t *testing.T) {
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", good, nil, map[string]string{"Content-Type": "text/plain"})), http.StatusForbidden)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
		assert.Equal(t, []string{"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes"}, e.names())
		sts := "GET\n\ntext/plain\n" + strconv.FormatInt(exp, 10) + "\n" + path
		assert.Equal(t, sts, e.extra("StringToSign"))
		assert.Equal(t, hexPairs(sts), e.extra("StringToSignBytes"))
	})
	t.Run("ExtraAmzHeader_IsSignatureDoesNotMatchNotHeadersNotSigned", func(t *testing.T) {
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", good, nil, map[string]string{"x-amz-meta-x": "1"})), http.StatusForbidden)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
	})
	t.Run("ContentEncodingChanged_IsIgnored", func(t *testing.T) {
		r := auditSend(t, ts, auditRequest(t, "GET", good, nil, map[string]string{"Content-Encoding": "gzip"}))
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
	})
	t.Run("Expired_HasExpiresAndServerTimeOnly", func(t *testing.T) {
		past := ts.Clock.Now().Add(-time.Minute).Truncate(time.Second)
		u := presignV2(ts, "GET", path, "", "", "", past.Unix())
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusForbidden)
		assert.Equal(t, "Request has expired", e.Message)
		assert.Equal(t, []string{"Expires", "ServerTime"}, e.names())
		assert.Equal(t, past.UTC().Format("2006-01-02T15:04:05Z"), e.extra("Expires"))
		assert.Equal(t, ts.Clock.Now().UTC().Format("2006-01-02T15:04:05Z"), e.extra("ServerTime"))
	})
	t.Run("ExpiredPutUsedWithWrongMethod_IsExpired", func(t *testing.T) {
		u := presignV2(ts, "GET", path, "", "", "", ts.Clock.Now().Add(-time.Minute).Unix())
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), nil)), http.StatusForbidden)
		assert.Equal(t, "Request has expired", e.Message)
	})
	t.Run("HEADError_HasNoBody", func(t *testing.T) {
		r := auditSend(t, ts, auditRequest(t, "HEAD", good+"x", nil, nil))
		assert.Equal(t, http.StatusForbidden, r.StatusCode)
		assert.Empty(t, r.Body)
		assert.NotEmpty(t, r.Header.Get("X-Amz-Request-Id"))
		assert.NotEmpty(t, r.Header.Get("X-Amz-Id-2"))
	})
}

// hexPairs is the *Bytes format S3 sends: lower-case hex pairs, spaces.
func hexPairs(s string) string {
	parts := make([]string, len(s))
	for i := 0; i < len(s); i++ {
		parts[i] = strconv.FormatInt(int64(s[i])|0x100, 16)[1:]
	}
	return strings.Join(parts, " ")
}

// Spec §2 step 2 / §4: SigV2 in a SigV4-only region is 400 InvalidRequest.
func TestSpecAudit_SigV2InSigV4OnlyRegion_IsInvalidRequest(t *testing.T) {
	// Authentication comes before the bucket lookup: no bucket is needed.
	ts := emulator.NewTestServer(t, emulator.WithRegion("eu-central-1"))
	u := presignV2(ts, "GET", "/"+auditBucket+"/"+auditKey, "", "", "", ts.Clock.Now().Add(time.Hour).Unix())
	e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusBadRequest)
	assert.Equal(t, wireError{"InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.", nil}, e)
}
