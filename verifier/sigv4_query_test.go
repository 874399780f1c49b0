package verifier

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
)

const objectURL = "http://localhost:9000/bucket/key.txt"

// presignedGet returns a valid pre-signed GET URL for objectURL.
func presignedGet(t *testing.T, expires time.Duration) string {
	u, _ := presignedURL(t, keyMain, testRegion, "GET", objectURL, expires, nil)
	return u
}

// editQuery changes raw query parameters of a signed URL without
// re-encoding the others.
func editQuery(t *testing.T, signed string, set map[string]string, del ...string) string {
	t.Helper()
	u, err := url.Parse(signed)
	require.NoError(t, err)
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		skip := false
		for _, d := range del {
			if name == d {
				skip = true
			}
		}
		if nv, ok := set[name]; ok {
			part, seen[name] = name+"="+nv, true
		}
		if !skip {
			out = append(out, part)
		}
	}
	for k, nv := range set {
		if !seen[k] {
			out = append(out, k+"="+nv)
		}
	}
	u.RawQuery = strings.Join(out, "&")
	return u.String()
}

func TestPresigned_MissingAuthParameter_IsAuthorizationQueryParametersError(t *testing.T) {
	for _, p := range v4QueryAuthParams {
		t.Run(p, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			u := editQuery(t, presignedGet(t, time.Hour), nil, p)
			_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
			wantErr(t, err, 400, s3err.AuthorizationQueryParametersError,
				"Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
		})
	}
}

func TestPresigned_ParameterParsingErrors_AreAuthorizationQueryParametersError(t *testing.T) {
	cases := []struct {
		name  string
		set   map[string]string
		msg   string
		elems []string
	}{
		{"credential slash double-encoded", map[string]string{"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%252F20260221%252Fus-east-1%252Fs3%252Faws4_request"},
			`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, nil},
		{"credential with four parts", map[string]string{"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%2F20260221%2Fus-east-1%2Fs3"},
			`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, nil},
		{"wrong region", map[string]string{"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%2F20260221%2Feu-central-1%2Fs3%2Faws4_request"},
			"Error parsing the X-Amz-Credential parameter; the region 'eu-central-1' is wrong; expecting 'us-east-1'", []string{"Region"}},
		{"wrong service", map[string]string{"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%2F20260221%2Fus-east-1%2Fec2%2Faws4_request"},
			`Error parsing the X-Amz-Credential parameter; incorrect service "ec2". This endpoint belongs to "s3".`, nil},
		{"wrong terminal", map[string]string{"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%2F20260221%2Fus-east-1%2Fs3%2Faws4_reques"},
			`Error parsing the X-Amz-Credential parameter; incorrect terminal "aws4_reques". This endpoint uses "aws4_request".`, nil},
		{"date not ISO 8601 basic", map[string]string{"X-Amz-Date": "2026-02-21T10:30:00Z"},
			`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, nil},
		{"credential day differs from X-Amz-Date", map[string]string{"X-Amz-Date": "20260222T103000Z"},
			`Invalid credential date "20260221". This date is not the same as X-Amz-Date: "20260222".`, nil},
		{"expires not a number", map[string]string{"X-Amz-Expires": "soon"}, "X-Amz-Expires should be a number", nil},
		{"expires negative", map[string]string{"X-Amz-Expires": "-1"}, "X-Amz-Expires must be non-negative", nil},
		{"expires over a week", map[string]string{"X-Amz-Expires": "604801"},
			"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds", nil},
		{"expires overflowing int64", map[string]string{"X-Amz-Expires": "99999999999999999999"},
			"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds", nil},
		{"algorithm not SigV4", map[string]string{"X-Amz-Algorithm": "AWS4-HMAC-SHA1"}, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			u := editQuery(t, presignedGet(t, time.Hour), tc.set)
			_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
			e := wantErr(t, err, 400, s3err.AuthorizationQueryParametersError, tc.msg, tc.elems...)
			if tc.elems != nil {
				assert.Equal(t, "us-east-1", elem(t, e, "Region"))
			}
		})
	}
}

func TestPresigned_ExpiresOfExactlyOneWeek_IsAccepted(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, 604800*time.Second)
	clk.Set(signTime.Add(604800 * time.Second)) // the last valid second
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	require.NoError(t, err)
}

// AWS documents X-Amz-Expires as 1…604800, but the wire messages only name
// non-numbers, negatives and values over a week. strictS3 therefore parses
// 0 and lets it expire one second after X-Amz-Date: the URL works only
// within the second it was signed in.
func TestPresigned_ExpiresZero_ParsesButExpiresAfterTheSigningSecond(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, 0)
	clk.Set(signTime)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	require.NoError(t, err)
	clk.Advance(time.Second)
	_, err = v.Authenticate(presignedRequest(t, "GET", u, nil))
	wantErr(t, err, 403, s3err.AccessDenied, "Request has expired", "X-Amz-Expires", "Expires", "ServerTime")
}

func TestPresigned_UnknownAccessKey_IsInvalidAccessKeyId(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	stranger := Credential{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"}
	u, _ := presignedURL(t, stranger, testRegion, "GET", objectURL, time.Hour, nil)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e := wantErr(t, err, 403, s3err.InvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.", "AWSAccessKeyId")
	assert.Equal(t, "AKIANOBODY", elem(t, e, "AWSAccessKeyId"))
}

func TestPresigned_DatedInTheFuture_IsRequestNotYetValid(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, time.Hour)
	clk.Set(signTime.Add(-16 * time.Minute))
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e := wantErr(t, err, 403, s3err.AccessDenied, "Request is not yet valid", "X-Amz-Date", "Expires", "ServerTime")
	assert.Equal(t, "1771669800000", elem(t, e, "X-Amz-Date"), "epoch milliseconds of X-Amz-Date")
	assert.Equal(t, "2026-02-21T11:30:00Z", elem(t, e, "Expires"))
	assert.Equal(t, "2026-02-21T10:14:00Z", elem(t, e, "ServerTime"))

	clk.Set(signTime.Add(-14 * time.Minute)) // within the tolerance
	_, err = v.Authenticate(presignedRequest(t, "GET", u, nil))
	require.NoError(t, err)
}

func TestPresigned_PastExpiry_IsRequestHasExpired(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, 900*time.Second)
	clk.Set(signTime.Add(900*time.Second + time.Second))
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e := wantErr(t, err, 403, s3err.AccessDenied, "Request has expired", "X-Amz-Expires", "Expires", "ServerTime")
	assert.Equal(t, "900", elem(t, e, "X-Amz-Expires"))
	assert.Equal(t, "2026-02-21T10:45:00Z", elem(t, e, "Expires"))
	assert.Equal(t, "2026-02-21T10:45:01Z", elem(t, e, "ServerTime"))
}

func TestPresigned_ExpiredAndUsedWithWrongMethod_IsRequestHasExpired(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, time.Minute)
	clk.Advance(time.Hour)
	_, err := v.Authenticate(presignedRequest(t, "PUT", u, nil))
	wantErr(t, err, 403, s3err.AccessDenied, "Request has expired", "X-Amz-Expires", "Expires", "ServerTime")
}

// A URL signed days ago is fine while unexpired: there is no 15-minute skew
// check for query auth.
func TestPresigned_SignedDaysAgoButUnexpired_IsAuthentic(t *testing.T) {
	v, clk := newTestVerifier(t, testRegion)
	u := presignedGet(t, 7*24*time.Hour)
	clk.Advance(6 * 24 * time.Hour)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	require.NoError(t, err)
}

func TestPresigned_UnsignedAmzHeaders_AreHeadersNotSigned(t *testing.T) {
	cases := []struct {
		name    string
		headers http.Header
		want    string
	}{
		{"one meta header", http.Header{"X-Amz-Meta-Wrong": {"x"}}, "x-amz-meta-wrong"},
		{"date and decoded length, sorted", http.Header{"X-Amz-Decoded-Content-Length": {"5"}, "X-Amz-Date": {"20260221T103000Z"}},
			"x-amz-date, x-amz-decoded-content-length"},
		{"x-amz-expires is not exempt", http.Header{"X-Amz-Expires": {"5"}}, "x-amz-expires"},
		{"x-amz-user-agent is not exempt", http.Header{"X-Amz-User-Agent": {"sdk"}}, "x-amz-user-agent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			u := presignedGet(t, time.Hour)
			_, err := v.Authenticate(presignedRequest(t, "GET", u, tc.headers))
			e := wantErr(t, err, 403, s3err.AccessDenied, "There were headers present in the request which were not signed", "HeadersNotSigned")
			assert.Equal(t, tc.want, elem(t, e, "HeadersNotSigned"))
		})
	}
}

// Spec §2.5: a signed x-amz-meta-foo missing AND an unsigned
// x-amz-meta-wrong sent gives HeadersNotSigned, not SignatureDoesNotMatch.
func TestPresigned_UnsignedHeaderAndMissingSignedHeader_IsHeadersNotSigned(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, _ := presignedURL(t, keyMain, testRegion, "PUT", objectURL, time.Hour, map[string]string{"X-Amz-Meta-Foo": "bar"})
	_, err := v.Authenticate(presignedRequest(t, "PUT", u, http.Header{"X-Amz-Meta-Wrong": {"x"}}))
	e := wantErr(t, err, 403, s3err.AccessDenied, "There were headers present in the request which were not signed", "HeadersNotSigned")
	assert.Equal(t, "x-amz-meta-wrong", elem(t, e, "HeadersNotSigned"))
}

func TestPresigned_UnsignedContentSHA256Header_IsExempt(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u := presignedGet(t, time.Hour)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, http.Header{"X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}))
	require.NoError(t, err)
}

// Unsigned non-x-amz headers are ignored.
func TestPresigned_UnsignedContentType_IsIgnored(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, h := presignedURL(t, keyMain, testRegion, "PUT", objectURL, time.Hour, map[string]string{"Content-Encoding": "gzip"})
	h.Set("Content-Type", "text/plain")
	_, err := v.Authenticate(presignedRequest(t, "PUT", u, h))
	require.NoError(t, err)
}

func TestPresigned_UsedWithAnotherMethod_IsSignatureDoesNotMatchWithSixElements(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, _ := presignedURL(t, keyMain, testRegion, "PUT", objectURL, time.Hour, nil)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e := wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes")
	cr := elem(t, e, "CanonicalRequest")
	assert.True(t, strings.HasPrefix(cr, "GET\n/bucket/key.txt\n"), cr)
	assert.True(t, strings.HasSuffix(cr, "\nhost\nUNSIGNED-PAYLOAD"), cr)
	sts := elem(t, e, "StringToSign")
	assert.True(t, strings.HasPrefix(sts, "AWS4-HMAC-SHA256\n20260221T103000Z\n20260221/us-east-1/s3/aws4_request\n"), sts)
	assert.Equal(t, s3err.HexBytes(sts), elem(t, e, "StringToSignBytes"))
	assert.Equal(t, s3err.HexBytes(cr), elem(t, e, "CanonicalRequestBytes"))
	assert.True(t, strings.HasPrefix(elem(t, e, "StringToSignBytes"), "41 57 53 34 2d"))
	assert.Equal(t, mustQuery(t, u, "X-Amz-Signature"), elem(t, e, "SignatureProvided"))
	assert.Contains(t, e.Diagnosis, "method PUT: the URL was signed for PUT and used with GET")
}

func mustQuery(t *testing.T, raw, name string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query().Get(name)
}

func TestPresigned_ParameterAddedAfterSigning_IsSignatureDoesNotMatch(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u := editQuery(t, presignedGet(t, time.Hour), map[string]string{"x-id": "GetObject"})
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e := wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes")
	assert.Contains(t, e.Diagnosis, "query parameter 'x-id' removed: it was added after signing")
}

// Parameters present before signing are covered and fine.
func TestPresigned_ParameterAddedBeforeSigning_IsAuthentic(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, _ := presignedURL(t, keyMain, testRegion, "GET", objectURL+"?x-id=GetObject&response-content-type=text%2Fplain", time.Hour, nil)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	require.NoError(t, err)
}

func TestPresigned_ChangedHoistedChecksum_IsSignatureDoesNotMatch(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, _ := presignedURL(t, keyMain, testRegion, "PUT", objectURL+"?x-amz-checksum-crc32=AAAAAA%3D%3D", time.Hour, nil)
	u = editQuery(t, u, map[string]string{"x-amz-checksum-crc32": "BBBBBB%3D%3D"})
	_, err := v.Authenticate(presignedRequest(t, "PUT", u, nil))
	wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes")
}

func TestPresigned_SignedHeaderMissingOrChanged_IsSignatureDoesNotMatch(t *testing.T) {
	for _, sent := range []http.Header{{}, {"Content-Type": {"text/html"}}} {
		v, _ := newTestVerifier(t, testRegion)
		u, _ := presignedURL(t, keyMain, testRegion, "PUT", objectURL, time.Hour, map[string]string{"Content-Type": "image/png"})
		_, err := v.Authenticate(presignedRequest(t, "PUT", u, sent))
		e := wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
			"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes")
		require.Len(t, e.Causes, 1)
		if len(sent) == 0 {
			assert.Equal(t, CauseSignedHeaderMissing, e.Causes[0].ID)
			assert.Equal(t, map[string]string{"header": "content-type", "signed": "image/png", "sent": ""}, e.Causes[0].Evidence)
		} else {
			assert.Equal(t, CauseSignedHeaderChanged, e.Causes[0].ID)
			assert.Equal(t, map[string]string{"header": "content-type", "signed": "image/png", "sent": "text/html"}, e.Causes[0].Evidence)
		}
	}
}

func TestPresigned_HostChanged_DiagnosisNamesTheSignedHost(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u := presignedGet(t, time.Hour)
	r := presignedRequest(t, "GET", u, nil)
	r.Host = "127.0.0.1:9000"
	_, err := v.Authenticate(r)
	e, _ := s3err.As(err)
	require.NotNil(t, e)
	assert.Equal(t, s3err.SignatureDoesNotMatch, e.Code)
	assert.Contains(t, e.Diagnosis, "Host 'localhost:9000' (signed) instead of '127.0.0.1:9000'")
}

func TestPresigned_WrongSecret_DiagnosisSaysNoVariationMatches(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	impostor := Credential{AccessKeyID: keyMain.AccessKeyID, SecretAccessKey: "not-the-secret"}
	u, _ := presignedURL(t, impostor, testRegion, "GET", objectURL, time.Hour, nil)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e, _ := s3err.As(err)
	require.NotNil(t, e)
	assert.Equal(t, s3err.SignatureDoesNotMatch, e.Code)
	assert.Contains(t, e.Diagnosis, "the secret key differs from the signer's")
}

// Spec §3: a signed x-amz-* value may ride in the query; the header is then
// optional, and the same value in both places works too.
func TestPresigned_SignedAmzValueInQuery_WorksWithAndWithoutHeader(t *testing.T) {
	u, h := presignedURL(t, keyMain, testRegion, "PUT", objectURL+"?x-amz-server-side-encryption=AES256", time.Hour,
		map[string]string{"X-Amz-Server-Side-Encryption": "AES256"})
	require.Contains(t, mustQuery(t, u, "X-Amz-SignedHeaders"), "x-amz-server-side-encryption")
	for _, sent := range []http.Header{h, {}} {
		v, _ := newTestVerifier(t, testRegion)
		res, err := v.Authenticate(presignedRequest(t, "PUT", u, sent))
		require.NoError(t, err)
		assert.Equal(t, "AES256", res.QueryHeaders.Get("X-Amz-Server-Side-Encryption"))
	}
}

// x-amz-* query parameters outside SignedHeaders (JS SDK v3 hoisting) are
// handed to the emulator as headers; auth parameters are not.
func TestPresigned_QueryHeaders_HoldNonAuthAmzParameters(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u, _ := presignedURL(t, keyMain, testRegion, "PUT",
		objectURL+"?x-amz-storage-class=STANDARD_IA&x-amz-meta-color=blue&x-amz-checksum-crc32=AAAAAA%3D%3D", time.Hour, nil)
	res, err := v.Authenticate(presignedRequest(t, "PUT", u, nil))
	require.NoError(t, err)
	assert.Equal(t, http.Header{
		"X-Amz-Storage-Class":  {"STANDARD_IA"},
		"X-Amz-Meta-Color":     {"blue"},
		"X-Amz-Checksum-Crc32": {"AAAAAA=="},
	}, res.QueryHeaders)
}

func TestPresigned_ContentSHA256InQuery_IsSignedAndSetsPayload(t *testing.T) {
	hash := sha256Hex([]byte("hello"))
	c := clientRequest(t, "PUT", objectURL+"?X-Amz-Content-Sha256="+hash+"&X-Amz-Expires=60", "", nil)
	u, _, err := s3test.Signer().PresignHTTP(context.Background(), awsCreds(keyMain), c, hash, "s3", testRegion, signTime)
	require.NoError(t, err)

	v, _ := newTestVerifier(t, testRegion)
	res, err := v.Authenticate(presignedRequest(t, "PUT", u, nil))
	require.NoError(t, err)
	assert.Equal(t, Payload{Mode: PayloadSHA256, SHA256: hash}, res.Payload)

	// A URL signed with UNSIGNED-PAYLOAD that gains the parameter later no
	// longer matches: the canonical request now ends with the hash.
	u2 := editQuery(t, presignedGet(t, time.Hour), map[string]string{"X-Amz-Content-Sha256": hash})
	_, err = v.Authenticate(presignedRequest(t, "GET", u2, nil))
	e, _ := s3err.As(err)
	require.NotNil(t, e)
	assert.True(t, strings.HasSuffix(elem(t, e, "CanonicalRequest"), "\n"+hash))
}

func TestPresigned_SessionTokens(t *testing.T) {
	t.Run("valid token is authentic", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		u, _ := presignedURL(t, keyTmp, testRegion, "GET", objectURL, time.Hour, nil)
		res, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
		require.NoError(t, err)
		assert.Equal(t, keyTmp.AccessKeyID, res.Identity.AccessKeyID)
	})
	t.Run("another token is InvalidToken", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		other := keyTmp
		other.SessionToken = "forged"
		u, _ := presignedURL(t, other, testRegion, "GET", objectURL, time.Hour, nil)
		_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
		e := wantErr(t, err, 400, s3err.InvalidToken, "The provided token is malformed or otherwise invalid.", "Token-0")
		assert.Equal(t, "forged", elem(t, e, "Token-0"))
	})
	t.Run("expired token is ExpiredToken", func(t *testing.T) {
		v, clk := newTestVerifier(t, testRegion)
		u, _ := presignedURL(t, keyTmp, testRegion, "GET", objectURL, 2*time.Hour, nil)
		clk.Set(keyTmp.Expires.Add(time.Second))
		_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
		e := wantErr(t, err, 400, s3err.ExpiredToken, "The provided token has expired.", "Token-0")
		assert.Equal(t, keyTmp.SessionToken, elem(t, e, "Token-0"))
	})
	t.Run("temporary key without token is InvalidAccessKeyId", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		noToken := keyTmp
		noToken.SessionToken = ""
		u, _ := presignedURL(t, noToken, testRegion, "GET", objectURL, time.Hour, nil)
		_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
		wantErr(t, err, 403, s3err.InvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.", "AWSAccessKeyId")
	})
	t.Run("token checked after signature", func(t *testing.T) {
		v, _ := newTestVerifier(t, testRegion)
		other := keyTmp
		other.SessionToken = "forged"
		u, _ := presignedURL(t, other, testRegion, "GET", objectURL, time.Hour, nil)
		_, err := v.Authenticate(presignedRequest(t, "PUT", u, nil))
		wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
			"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes")
	})
}

func TestPresigned_WrongRegionVerifier_ReportsExpectedRegion(t *testing.T) {
	v, _ := newTestVerifier(t, "eu-central-1")
	u := presignedGet(t, time.Hour)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, nil))
	e := wantErr(t, err, 400, s3err.AuthorizationQueryParametersError,
		"Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-central-1'", "Region")
	assert.Equal(t, "eu-central-1", elem(t, e, "Region"))
}
