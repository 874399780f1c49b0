package emulator_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/verifier"
)

const isoSecond = "2006-01-02T15:04:05Z"

// withParam returns u with one query parameter replaced (or removed when
// value is nil), keeping the rest as signed.
func withParam(t *testing.T, u, name string, value *string) string {
	t.Helper()
	p, err := url.Parse(u)
	require.NoError(t, err)
	q := p.Query()
	if value == nil {
		q.Del(name)
	} else {
		q.Set(name, *value)
	}
	p.RawQuery = q.Encode()
	return p.String()
}

func ptr(s string) *string { return &s }

// Spec §2 steps 1–2 through HTTP: 400 AuthorizationQueryParametersError.
func TestSpecAudit_PresignedParameters_AreAuthorizationQueryParametersError(t *testing.T) {
	ts := auditServer(t)
	good := presignV4(t, ts, "GET", objectURL(ts, auditKey), nil, ts.Clock.Now(), time.Hour)
	day := ts.Clock.Now().UTC().Format("20060102")
	cases := []struct {
		name  string
		param string
		value *string
		msg   string
		extra []string
	}{
		{"MissingSignature", "X-Amz-Signature", nil, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.", nil},
		{"MissingSignedHeaders", "X-Amz-SignedHeaders", nil, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.", nil},
		{"CredentialDoubleEncoded", "X-Amz-Credential", ptr(ts.AccessKeyID + "%2F" + day + "%2Fus-east-1%2Fs3%2Faws4_request"),
			`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, nil},
		{"WrongRegion", "X-Amz-Credential", ptr(ts.AccessKeyID + "/" + day + "/eu-central-1/s3/aws4_request"),
			"Error parsing the X-Amz-Credential parameter; the region 'eu-central-1' is wrong; expecting 'us-east-1'", []string{"Region", "us-east-1"}},
		{"BadDate", "X-Amz-Date", ptr("2026-11-26T10:00:00Z"), `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, nil},
		{"ExpiresNotANumber", "X-Amz-Expires", ptr("soon"), "X-Amz-Expires should be a number", nil},
		{"ExpiresNegative", "X-Amz-Expires", ptr("-1"), "X-Amz-Expires must be non-negative", nil},
		{"ExpiresOverAWeek", "X-Amz-Expires", ptr("604801"), "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := auditSend(t, ts, auditRequest(t, "GET", withParam(t, good, tc.param, tc.value), nil, nil))
			assert.Equal(t, wireError{"AuthorizationQueryParametersError", tc.msg, tc.extra}, requireS3Error(t, r, http.StatusBadRequest))
		})
	}
}

// Spec §2 steps 3–6 and §1's element formats, through HTTP.
func TestSpecAudit_PresignedChecksInOrder(t *testing.T) {
	ts := auditServer(t)
	now := ts.Clock.Now().Truncate(time.Second)
	obj := objectURL(ts, auditKey)

	t.Run("UnknownKey_IsInvalidAccessKeyId", func(t *testing.T) {
		u := presignV4With(t, ts, "GET", obj, nil, now, time.Hour, aws.Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"})
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusForbidden)
		assert.Equal(t, wireError{"InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
			[]string{"AWSAccessKeyId", "AKIANOBODY"}}, e)
	})
	t.Run("NotYetValid_EchoesXAmzDateInEpochMilliseconds", func(t *testing.T) {
		at := now.Add(time.Hour)
		u := presignV4(t, ts, "GET", obj, nil, at, 10*time.Minute)
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusForbidden)
		assert.Equal(t, wireError{"AccessDenied", "Request is not yet valid", []string{
			"X-Amz-Date", strconv.FormatInt(at.UnixMilli(), 10),
			"Expires", at.Add(10 * time.Minute).UTC().Format(isoSecond),
			"ServerTime", ts.Clock.Now().UTC().Format(isoSecond)}}, e)
	})
	t.Run("Expired_HasXAmzExpiresExpiresServerTime", func(t *testing.T) {
		at := now.Add(-2 * time.Hour)
		u := presignV4(t, ts, "GET", obj, nil, at, time.Hour)
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusForbidden)
		assert.Equal(t, wireError{"AccessDenied", "Request has expired", []string{
			"X-Amz-Expires", "3600",
			"Expires", at.Add(time.Hour).UTC().Format(isoSecond),
			"ServerTime", ts.Clock.Now().UTC().Format(isoSecond)}}, e)
	})
	t.Run("ExpiredAndBadSignature_IsExpired", func(t *testing.T) {
		u := presignV4(t, ts, "GET", obj, nil, now.Add(-2*time.Hour), time.Hour)
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "PUT", withParam(t, u, "X-Amz-Signature", ptr(strings.Repeat("0", 64))), []byte("x"), nil)), http.StatusForbidden)
		assert.Equal(t, "Request has expired", e.Message)
	})
	t.Run("SignedMetaMissingAndUnsignedMetaSent_IsHeadersNotSigned", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "hns"), map[string]string{"x-amz-meta-foo": "bar"}, now, time.Hour)
		require.Contains(t, u, "x-amz-meta-foo", "signed as a header")
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), map[string]string{"x-amz-meta-wrong": "1"})), http.StatusForbidden)
		assert.Equal(t, wireError{"AccessDenied", "There were headers present in the request which were not signed",
			[]string{"HeadersNotSigned", "x-amz-meta-wrong"}}, e)
	})
	t.Run("NotExemptHeaders_AreHeadersNotSigned", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "hns"), nil, now, time.Hour)
		for _, h := range []string{"x-amz-date", "x-amz-expires", "x-amz-decoded-content-length", "x-amz-user-agent"} {
			e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), map[string]string{h: "1"})), http.StatusForbidden)
			assert.Equal(t, []string{"HeadersNotSigned", h}, e.Extra, h)
		}
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"),
			map[string]string{"X-Amz-Date": "1", "X-Amz-Decoded-Content-Length": "1"})), http.StatusForbidden)
		assert.Equal(t, []string{"HeadersNotSigned", "x-amz-date, x-amz-decoded-content-length"}, e.Extra)
	})
	t.Run("UnsignedContentSHA256_IsExempt", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "sha"), nil, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}))
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
	})
	t.Run("PutURLUsedWithGet_IsSignatureDoesNotMatchWithSixElements", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", obj, nil, now, time.Hour)
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusForbidden)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
		assert.Equal(t, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", e.Message)
		assert.Equal(t, []string{"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"}, e.names())
		p, _ := url.Parse(u)
		q := p.Query()
		assert.Equal(t, ts.AccessKeyID, e.extra("AWSAccessKeyId"))
		assert.Equal(t, q.Get("X-Amz-Signature"), e.extra("SignatureProvided"))
		cr := e.extra("CanonicalRequest")
		assert.True(t, strings.HasPrefix(cr, "GET\n/"+auditBucket+"/"+auditKey+"\n"), cr)
		assert.True(t, strings.HasSuffix(cr, "\nUNSIGNED-PAYLOAD"), cr)
		sts := e.extra("StringToSign")
		lines := strings.Split(sts, "\n")
		require.Len(t, lines, 4)
		assert.Equal(t, []string{"AWS4-HMAC-SHA256", q.Get("X-Amz-Date"), now.UTC().Format("20060102") + "/us-east-1/s3/aws4_request"}, lines[:3])
		assert.Regexp(t, "^[0-9a-f]{64}$", lines[3])
		assert.Equal(t, hexPairs(sts), e.extra("StringToSignBytes"))
		assert.Equal(t, hexPairs(cr), e.extra("CanonicalRequestBytes"))
		assert.Regexp(t, "^([0-9a-f]{2} )*[0-9a-f]{2}$", e.extra("CanonicalRequestBytes"))
	})
	t.Run("EncodedSlashPath_IsCanonicalisedAsDoubleSlash", func(t *testing.T) {
		u := presignV4(t, ts, "GET", obj, nil, now, time.Hour)
		p, _ := url.Parse(u)
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", ts.URL+"/%2F"+auditBucket+"/"+auditKey+"?"+p.RawQuery, nil, nil)), http.StatusForbidden)
		assert.True(t, strings.HasPrefix(e.extra("CanonicalRequest"), "GET\n//"+auditBucket+"/"+auditKey+"\n"), e.extra("CanonicalRequest"))
	})
}

// Spec §3 through HTTP: what the URL covers and how success looks.
func TestSpecAudit_PresignedCoverage(t *testing.T) {
	ts := auditServer(t)
	now := ts.Clock.Now()
	t.Run("ParamAddedAfterSigning_Is403", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "xid"), nil, now, time.Hour)
		e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "PUT", u+"&x-id=PutObject", []byte("x"), nil)), http.StatusForbidden)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
	})
	t.Run("ParamAddedBeforeSigning_IsFine", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "xid")+"?x-id=PutObject", nil, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), nil))
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
	})
	t.Run("HoistedChecksumChanged_Is403", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "crc")+"?x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32", nil, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "PUT", withParam(t, u, "x-amz-checksum-crc32", ptr("AAAAAB==")), []byte(""), nil))
		assert.Equal(t, "SignatureDoesNotMatch", requireS3Error(t, r, http.StatusForbidden).Code)
		// The JS SDK v3 sends this URL with a non-empty body; S3 accepts it.
		r = auditSend(t, ts, auditRequest(t, "PUT", u, []byte("not empty"), nil))
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
	})
	t.Run("SignedHeaderChanged_Is403", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "ce"), map[string]string{"Content-Encoding": "gzip"}, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), map[string]string{"Content-Encoding": "br"}))
		assert.Equal(t, "SignatureDoesNotMatch", requireS3Error(t, r, http.StatusForbidden).Code)
		r = auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), nil))
		assert.Equal(t, "SignatureDoesNotMatch", requireS3Error(t, r, http.StatusForbidden).Code, "signed header missing")
	})
	t.Run("UnsignedContentTypeIgnored_Is200", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "ct"), map[string]string{"Content-Encoding": "gzip"}, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), map[string]string{"Content-Encoding": "gzip", "Content-Type": "text/plain"}))
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
	})
	t.Run("SignedAmzValueInQuery_WorksWithAndWithoutHeader", func(t *testing.T) {
		u := presignV4(t, ts, "PUT", objectURL(ts, "both")+"?x-amz-meta-color=red", map[string]string{"x-amz-meta-color": "red"}, now, time.Hour)
		require.Contains(t, u, "X-Amz-SignedHeaders=host%3Bx-amz-meta-color&x-amz-meta-color=red", "signed as a header and carried in the query")
		for _, hdr := range []map[string]string{{"x-amz-meta-color": "red"}, nil} {
			r := auditSend(t, ts, auditRequest(t, "PUT", u, []byte("x"), hdr))
			require.Equal(t, http.StatusOK, r.StatusCode, "header %v: %s", hdr, r.Body)
			head := presignV4(t, ts, "HEAD", objectURL(ts, "both"), nil, now, time.Hour)
			r = auditSend(t, ts, auditRequest(t, "HEAD", head, nil, nil))
			assert.Equal(t, "red", r.Header.Get("X-Amz-Meta-Color"))
		}
	})
	t.Run("SameParamInQueryAndHeader_IsSignatureDoesNotMatch", func(t *testing.T) {
		u := presignV4(t, ts, "GET", objectURL(ts, auditKey), map[string]string{"x-amz-request-payer": "requester"}, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "GET", u+"&x-amz-request-payer=requester", nil, map[string]string{"x-amz-request-payer": "requester"}))
		assert.Equal(t, "SignatureDoesNotMatch", requireS3Error(t, r, http.StatusForbidden).Code)
	})
	t.Run("Success_PutGetHeadDelete", func(t *testing.T) {
		put := presignV4(t, ts, "PUT", objectURL(ts, "ok"), nil, now, time.Hour)
		r := auditSend(t, ts, auditRequest(t, "PUT", put, []byte("twelve bytes"), nil))
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
		assert.Empty(t, r.Body)

		head := presignV4(t, ts, "HEAD", objectURL(ts, "ok"), nil, now, time.Hour)
		r = auditSend(t, ts, auditRequest(t, "HEAD", head, nil, nil))
		require.Equal(t, http.StatusOK, r.StatusCode)
		assert.Equal(t, "12", r.Header.Get("Content-Length"))

		get := presignV4(t, ts, "GET", objectURL(ts, "ok")+"?response-content-type=text%2Fcsv&response-cache-control=no-store&response-content-disposition=attachment", nil, now, time.Hour)
		r = auditSend(t, ts, auditRequest(t, "GET", get, []byte("a body on GET is ignored"), nil))
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
		assert.Equal(t, "twelve bytes", string(r.Body))
		assert.Equal(t, "text/csv", r.Header.Get("Content-Type"))
		assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
		assert.Equal(t, "attachment", r.Header.Get("Content-Disposition"))

		del := presignV4(t, ts, "DELETE", objectURL(ts, "ok"), nil, now, time.Hour)
		r = auditSend(t, ts, auditRequest(t, "DELETE", del, nil, nil))
		require.Equal(t, http.StatusNoContent, r.StatusCode)
		assert.Empty(t, r.Header.Values("Content-Type"))
		assert.Empty(t, r.Header.Values("Content-Length"))
		assert.Empty(t, r.Body)
	})
}

// Spec §1 Token-0 and §2 step 7, through HTTP.
func TestSpecAudit_SessionTokens_EchoToken0(t *testing.T) {
	clockStart := time.Now()
	ts := auditServer(t, emulator.WithCredentials(verifier.Credential{
		AccessKeyID: "ASIAAUDIT", SecretAccessKey: "secret", SessionToken: "good-token", Expires: clockStart.Add(time.Hour)}))
	creds := aws.Credentials{AccessKeyID: "ASIAAUDIT", SecretAccessKey: "secret", SessionToken: "forged"}
	u := presignV4With(t, ts, "GET", objectURL(ts, auditKey), nil, ts.Clock.Now(), time.Hour, creds)
	e := requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusBadRequest)
	assert.Equal(t, wireError{"InvalidToken", "The provided token is malformed or otherwise invalid.", []string{"Token-0", "forged"}}, e)

	ts.Clock.Advance(2 * time.Hour)
	creds.SessionToken = "good-token"
	u = presignV4With(t, ts, "GET", objectURL(ts, auditKey), nil, ts.Clock.Now(), time.Hour, creds)
	e = requireS3Error(t, auditSend(t, ts, auditRequest(t, "GET", u, nil, nil)), http.StatusBadRequest)
	assert.Equal(t, wireError{"ExpiredToken", "The provided token has expired.", []string{"Token-0", "good-token"}}, e)
}
