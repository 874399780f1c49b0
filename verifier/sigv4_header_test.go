package verifier

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

const malformedPrefix = "The authorization header is malformed; "

// signedGet is a valid SigV4 header-signed GET of objectURL.
func signedGet(t *testing.T) *http.Request {
	return signedHeaderRequest(t, keyMain, "GET", objectURL, "", nil)
}

// replaceAuth rewrites one part of the Authorization header.
func replaceAuth(r *http.Request, old, new string) *http.Request {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
	return r
}

func TestSigV4Header_MalformedAuthorization_IsAuthorizationHeaderMalformed(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(r *http.Request)
		msg   string
		elems []string
	}{
		{"no signature component", func(r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:strings.Index(h, ", Signature=")])
		}, malformedPrefix + "the authorization header requires three components: Credential, SignedHeaders, and Signature.", nil},
		{"component without equals sign", func(r *http.Request) { replaceAuth(r, "SignedHeaders=", "SignedHeaders ") },
			malformedPrefix + `the authorization component "SignedHeaders host;x-amz-content-sha256;x-amz-date" is malformed.`, nil},
		{"credential mal-formed", func(r *http.Request) { replaceAuth(r, "/20260221/", "/") },
			malformedPrefix + `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, nil},
		{"wrong region", func(r *http.Request) { replaceAuth(r, "/us-east-1/", "/eu-west-1/") },
			malformedPrefix + "the region 'eu-west-1' is wrong; expecting 'us-east-1'", []string{"Region"}},
		{"wrong service", func(r *http.Request) { replaceAuth(r, "/s3/", "/sqs/") },
			malformedPrefix + `incorrect service "sqs". This endpoint belongs to "s3".`, nil},
		{"wrong terminal", func(r *http.Request) { replaceAuth(r, "/aws4_request", "/aws4_req") },
			malformedPrefix + `incorrect terminal "aws4_req". This endpoint uses "aws4_request".`, nil},
		{"credential day is not the request day", func(r *http.Request) { replaceAuth(r, "/20260221/", "/20260220/") },
			malformedPrefix + "Invalid credential date. Date is not the same as X-Amz-Date.", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			r := signedGet(t)
			tc.edit(r)
			_, err := v.Authenticate(r)
			e := wantErr(t, err, 400, s3err.AuthorizationHeaderMalformed, tc.msg, tc.elems...)
			if tc.elems != nil {
				assert.Equal(t, "us-east-1", elem(t, e, "Region"))
			}
		})
	}
}

func TestSigV4Header_NoUsableDate_IsAccessDenied(t *testing.T) {
	for name, edit := range map[string]func(http.Header){
		"no date at all":      func(h http.Header) { h.Del("X-Amz-Date") },
		"unreadable amz date": func(h http.Header) { h.Set("X-Amz-Date", "\x07") },
	} {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			r := signedGet(t)
			edit(r.Header)
			_, err := v.Authenticate(r)
			wantErr(t, err, 403, s3err.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header")
		})
	}
}

func TestSigV4Header_DateHeaderInsteadOfAmzDate_IsAccepted(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := signedGet(t)
	// Re-sign as a client that relies on Date: the string to sign carries
	// the Date converted to ISO 8601 basic form.
	r.Header.Del("X-Amz-Date")
	r.Header.Set("Date", "Sat, 21 Feb 2026 10:30:00 GMT")
	ex := v.Explain(r)
	require.Equal(t, s3err.SignatureDoesNotMatch, ex.Err.(*s3err.Error).Code)
	assert.True(t, strings.HasPrefix(ex.StringToSign, "AWS4-HMAC-SHA256\n20260221T103000Z\n"), ex.StringToSign)
}

func TestSigV4Header_ContentSHA256_MissingOrInvalid(t *testing.T) {
	t.Run("missing is InvalidRequest", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		r := signedGet(t)
		r.Header.Del("X-Amz-Content-Sha256")
		_, err := v.Authenticate(r)
		wantErr(t, err, 400, s3err.InvalidRequest, "Missing required header for this request: x-amz-content-sha256")
	})
	t.Run("not a hash nor a keyword is InvalidArgument", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		r := signedGet(t)
		r.Header.Set("X-Amz-Content-Sha256", "tjnVEQ5UTP/DL91eAGOmew==")
		_, err := v.Authenticate(r)
		e := wantErr(t, err, 400, s3err.InvalidArgument,
			"x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
			"ArgumentName", "ArgumentValue")
		assert.Equal(t, "x-amz-content-sha256", elem(t, e, "ArgumentName"))
		assert.Equal(t, "tjnVEQ5UTP/DL91eAGOmew==", elem(t, e, "ArgumentValue"))
	})
}

func TestSigV4Header_PayloadModes_FollowContentSHA256(t *testing.T) {
	hash := sha256Hex([]byte("abc"))
	cases := []struct {
		value string
		mode  PayloadMode
	}{
		{hash, PayloadSHA256},
		{"UNSIGNED-PAYLOAD", PayloadUnsigned},
		{"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", PayloadStreamingSigned},
		{"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", PayloadStreamingSignedTrailer},
		{"STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadStreamingUnsignedTrailer},
		{"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", PayloadStreamingECDSA},
		{"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER", PayloadStreamingECDSA},
	}
	for _, tc := range cases {
		t.Run(tc.value, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			r := signedHeaderRequest(t, keyMain, "PUT", objectURL, "abc", map[string]string{"X-Amz-Content-Sha256": tc.value})
			res, err := v.Authenticate(r)
			require.NoError(t, err)
			assert.Equal(t, tc.mode, res.Payload.Mode)
			if tc.mode == PayloadSHA256 {
				assert.Equal(t, hash, res.Payload.SHA256)
			}
			if tc.mode == PayloadStreamingSigned || tc.mode == PayloadStreamingSignedTrailer {
				sig := r.Header.Get("Authorization")
				sig = sig[strings.LastIndex(sig, "=")+1:]
				assert.Equal(t, sig, res.Payload.SeedSignature)
				assert.Equal(t, signTime, res.Payload.RequestTime)
				assert.Equal(t, "20260221/us-east-1/s3/aws4_request", res.Payload.Scope)
				assert.Equal(t, deriveSigningKey(keyMain.SecretAccessKey, "20260221", "us-east-1", "s3"), res.Payload.signingKey)
			}
		})
	}
}

func TestSigV4Header_ClockSkewOverFifteenMinutes_IsRequestTimeTooSkewed(t *testing.T) {
	for _, d := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		v, clk := newTestVerifier(t, testRegion)
		clk.Set(signTime.Add(d))
		_, err := v.Authenticate(signedGet(t))
		e := wantErr(t, err, 403, s3err.RequestTimeTooSkewed,
			"The difference between the request time and the current time is too large.",
			"RequestTime", "ServerTime", "MaxAllowedSkewMilliseconds")
		assert.Equal(t, "20260221T103000Z", elem(t, e, "RequestTime"), "as sent")
		assert.Equal(t, isoSecond(signTime.Add(d)), elem(t, e, "ServerTime"))
		assert.Equal(t, "900000", elem(t, e, "MaxAllowedSkewMilliseconds"))
	}
	v, clk := newTestVerifier(t, testRegion)
	clk.Set(signTime.Add(14 * time.Minute))
	_, err := v.Authenticate(signedGet(t))
	require.NoError(t, err)
}

func TestSigV4Header_UnknownKey_IsInvalidAccessKeyId(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := signedHeaderRequest(t, Credential{AccessKeyID: "AKIAUNKNOWN", SecretAccessKey: "s"}, "GET", objectURL, "", nil)
	_, err := v.Authenticate(r)
	e := wantErr(t, err, 403, s3err.InvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.", "AWSAccessKeyId")
	assert.Equal(t, "AKIAUNKNOWN", elem(t, e, "AWSAccessKeyId"))
}

func TestSigV4Header_UnsignedAmzHeader_IsHeadersNotSigned(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := signedGet(t)
	r.Header.Set("X-Amz-Security-Token", "late")
	_, err := v.Authenticate(r)
	e := wantErr(t, err, 403, s3err.AccessDenied, "There were headers present in the request which were not signed", "HeadersNotSigned")
	assert.Equal(t, "x-amz-security-token", elem(t, e, "HeadersNotSigned"))
}

func TestSigV4Header_HostNotSigned_IsHeadersNotSigned(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := replaceAuth(signedGet(t), "SignedHeaders=host;", "SignedHeaders=")
	_, err := v.Authenticate(r)
	e := wantErr(t, err, 403, s3err.AccessDenied, "There were headers present in the request which were not signed", "HeadersNotSigned")
	assert.Equal(t, "host", elem(t, e, "HeadersNotSigned"))
}

func TestSigV4Header_ChangedRequest_IsSignatureDoesNotMatchWithDiagnosis(t *testing.T) {
	cases := []struct {
		name      string
		edit      func(r *http.Request)
		diagnosis string
	}{
		{"method", func(r *http.Request) { r.Method = "DELETE" }, "method GET: the request was signed for GET and sent as DELETE"},
		{"content type charset appended", func(r *http.Request) { r.Header.Set("Content-Type", "text/plain; charset=utf-8") },
			"Content-Type 'text/plain' (signed) instead of 'text/plain; charset=utf-8'"},
		{"payload hash swapped", func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", unsignedPayload) },
			"payload hash " + emptySHA256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			r := signedHeaderRequest(t, keyMain, "GET", objectURL, "", map[string]string{"Content-Type": "text/plain"})
			tc.edit(r)
			_, err := v.Authenticate(r)
			e := wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
				"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
				"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes")
			assert.Contains(t, e.Diagnosis, tc.diagnosis)
		})
	}
}

// The SDK's signer, without S3's DisableURIPathEscaping, escapes the path a
// second time; S3 does not, and strictS3 says so.
func TestSigV4Header_PathDoubleEncodedBySigner_DiagnosisSaysEncodedOnceMore(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := signedHeaderRequest(t, keyMain, "GET", "http://localhost:9000/bucket/a%20b", "", nil)
	// what a generic signer signs: "/bucket/a%2520b"
	q := &v4Request{method: "GET", uri: "/bucket/a%2520b", signedList: "host;x-amz-content-sha256;x-amz-date",
		signed: []string{"host", "x-amz-content-sha256", "x-amz-date"}, values: []string{"localhost:9000", emptySHA256, "20260221T103000Z"},
		payload: emptySHA256, amzDate: "20260221T103000Z", scope: "20260221/us-east-1/s3/aws4_request"}
	_, _, sig := q.sign(deriveSigningKey(keyMain.SecretAccessKey, "20260221", testRegion, "s3"))
	h := r.Header.Get("Authorization")
	r.Header.Set("Authorization", h[:strings.LastIndex(h, "=")+1]+sig)
	_, err := v.Authenticate(r)
	e, _ := s3err.As(err)
	require.NotNil(t, e)
	assert.Contains(t, e.Diagnosis, "the path encoded once more (/bucket/a%2520b)")
}

func TestSigV4Header_SessionToken(t *testing.T) {
	t.Run("signed token is authentic", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		_, err := v.Authenticate(signedHeaderRequest(t, keyTmp, "GET", objectURL, "", nil))
		require.NoError(t, err)
	})
	t.Run("expired token", func(t *testing.T) {
		v, clk := newTestVerifier(t, testRegion)
		tmp := keyTmp
		tmp.Expires = signTime.Add(time.Minute)
		v.creds.(*StaticCredentials).Add(tmp)
		clk.Set(signTime.Add(2 * time.Minute))
		_, err := v.Authenticate(signedHeaderRequest(t, keyTmp, "GET", objectURL, "", nil))
		e := wantErr(t, err, 400, s3err.ExpiredToken, "The provided token has expired.", "Token-0")
		assert.Equal(t, keyTmp.SessionToken, elem(t, e, "Token-0"))
	})
	t.Run("token at its expiry instant is ExpiredToken", func(t *testing.T) {
		v, clk := newTestVerifier(t, testRegion)
		tmp := keyTmp
		tmp.Expires = signTime.Add(time.Minute)
		v.creds.(*StaticCredentials).Add(tmp)
		clk.Set(tmp.Expires)
		_, err := v.Authenticate(signedHeaderRequest(t, keyTmp, "GET", objectURL, "", nil))
		wantErr(t, err, 400, s3err.ExpiredToken, "The provided token has expired.", "Token-0")
	})
	t.Run("token on a long-term key is InvalidToken", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		withToken := keyMain
		withToken.SessionToken = "whatever"
		_, err := v.Authenticate(signedHeaderRequest(t, withToken, "GET", objectURL, "", nil))
		e := wantErr(t, err, 400, s3err.InvalidToken, "The provided token is malformed or otherwise invalid.", "Token-0")
		assert.Equal(t, "whatever", elem(t, e, "Token-0"))
	})
}

func TestAuthenticate_Dispatch(t *testing.T) {
	t.Run("no auth at all is anonymous without error", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		res, err := v.Authenticate(clientRequest(t, "GET", objectURL, "", nil))
		require.NoError(t, err)
		assert.Equal(t, AuthAnonymous, res.Identity.Auth)
		assert.False(t, res.Allowed("s3:GetObject", "bucket", "key.txt"))
	})
	t.Run("header and query auth together is InvalidArgument", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		r := presignedRequest(t, "GET", presignedGet(t, time.Hour), nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
		_, err := v.Authenticate(r)
		e := wantErr(t, err, 400, s3err.InvalidArgument,
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
			"ArgumentName", "ArgumentValue")
		assert.Equal(t, "Authorization", elem(t, e, "ArgumentName"))
		assert.Equal(t, "AWS4-HMAC-SHA256 Credential=x", elem(t, e, "ArgumentValue"))
	})
	t.Run("any single X-Amz auth parameter makes it query auth", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		_, err := v.Authenticate(clientRequest(t, "GET", objectURL+"?X-Amz-Date=20260221T103000Z", "", nil))
		wantErr(t, err, 400, s3err.AuthorizationQueryParametersError,
			"Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
	})
	t.Run("unknown scheme is InvalidArgument", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		_, err := v.Authenticate(clientRequest(t, "GET", objectURL, "", map[string]string{"Authorization": "Bearer abc"}))
		e := wantErr(t, err, 400, s3err.InvalidArgument, "Unsupported Authorization Type", "ArgumentName", "ArgumentValue")
		assert.Equal(t, "Bearer abc", elem(t, e, "ArgumentValue"))
	})
}

func TestExplain_ReportsCanonicalRequestAndSignatures(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, time.Minute)
	clk.Advance(time.Hour)
	ex := v.Explain(presignedRequest(t, "GET", u, nil))
	assert.Equal(t, AuthSigV4Query, ex.AuthType)
	assert.Equal(t, keyMain.AccessKeyID, ex.AccessKeyID)
	assert.True(t, strings.HasPrefix(ex.CanonicalRequest, "GET\n/bucket/key.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&"), ex.CanonicalRequest)
	assert.Equal(t, ex.Provided, ex.Expected, "the signature matches even though the URL expired")
	e, ok := s3err.As(ex.Err)
	require.True(t, ok)
	assert.Equal(t, "Request has expired", e.Message)
	assert.Contains(t, ex.Diagnosis, "the URL expired at 2026-02-21T10:31:00Z")
}

func TestExplainURL_UsesTheURLAsWritten(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, _ := presignedURL(t, keyMain, testRegion, "GET", "http://localhost:9000/bucket/a%20b%2Bc", time.Hour, nil)
	ex, err := v.ExplainURL("GET", u, nil)
	require.NoError(t, err)
	require.NoError(t, ex.Err)
	assert.Equal(t, ex.Expected, ex.Provided)
	assert.True(t, strings.HasPrefix(ex.CanonicalRequest, "GET\n/bucket/a%20b%2Bc\n"), ex.CanonicalRequest)

	ex, err = v.ExplainURL("GET", u, http.Header{"Host": {"127.0.0.1:9000"}})
	require.NoError(t, err)
	assert.Contains(t, ex.Diagnosis, "Host 'localhost:9000' (signed) instead of '127.0.0.1:9000'")
	assert.NotEqual(t, ex.Expected, ex.Provided)

	_, err = v.ExplainURL("GET", "/relative/only", nil)
	assert.Error(t, err)
}
