package verifier

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
)

const causeObjectURL = "http://localhost:9000/bucket/photo.png"

// presignedWith pre-signs with aws-sdk-go-v2's signer for service, as the
// SDK presign client does.
func presignedWith(t *testing.T, cred Credential, service, region, method, target string) string {
	t.Helper()
	c := clientRequest(t, method, target, "", nil)
	q := c.URL.Query()
	q.Set("X-Amz-Expires", "3600")
	c.URL.RawQuery = q.Encode()
	u, _, err := s3test.Signer().PresignHTTP(context.Background(), awsCreds(cred), c, unsignedPayload, service, region, signTime)
	require.NoError(t, err)
	return u
}

// edited is a URL pre-signed for method and target, then edited: old
// replaced by new, as a user or a proxy does after signing.
func edited(method, target, old, new string) func(t *testing.T) *http.Request {
	return func(t *testing.T) *http.Request {
		return presignedRequest(t, method, strings.Replace(presigned(t, method, target), old, new, 1), nil)
	}
}

// sentToHost is a GET URL pre-signed for localhost:9000 and sent with
// another Host, as a proxy forwards it.
func sentToHost(host string) func(t *testing.T) *http.Request {
	return func(t *testing.T) *http.Request {
		r := presignedRequest(t, "GET", presigned(t, "GET", causeObjectURL), nil)
		r.Host = host
		return r
	}
}

func presigned(t *testing.T, method, target string) string {
	t.Helper()
	return presignedWith(t, keyMain, "s3", testRegion, method, target)
}

// Every case builds the mistake with aws-sdk-go-v2's SigV4 signer (SigV2
// URLs are signed as boto3 signs them), then checks the one cause named
// and its evidence.
func TestCauses_NameTheMistake(t *testing.T) {
	tmpShort := Credential{AccessKeyID: "ASIASHORTLIVED", SecretAccessKey: "shortsecret", SessionToken: "tok", Expires: signTime.Add(10 * time.Second)}
	cases := []struct {
		name     string
		request  func(t *testing.T) *http.Request
		now      time.Time // default: 30s after signing
		code     s3err.Code
		id       string
		evidence map[string]string
	}{
		{name: "pre-signed PUT used with GET", code: s3err.SignatureDoesNotMatch, id: CauseMethodMismatch,
			evidence: map[string]string{"signed": "PUT", "sent": "GET"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "GET", presigned(t, "PUT", causeObjectURL), nil)
			}},
		{name: "proxy dropped :9000", code: s3err.SignatureDoesNotMatch, id: CauseHostMismatch,
			evidence: map[string]string{"signed": "localhost:9000", "sent": "localhost"},
			request:  sentToHost("localhost")},
		{name: "proxy rewrote Host to its upstream", code: s3err.SignatureDoesNotMatch, id: CauseHostMismatch,
			evidence: map[string]string{"signed": "localhost:9000", "sent": "stricts3:9000"},
			request:  sentToHost("stricts3:9000")},
		{name: "signed for another region", code: s3err.AuthorizationQueryParametersError, id: CauseRegionMismatch,
			evidence: map[string]string{"signed": "eu-west-1", "server": testRegion},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "GET", presignedWith(t, keyMain, "s3", "eu-west-1", "GET", causeObjectURL), nil)
			}},
		{name: "signed for another service", code: s3err.AuthorizationQueryParametersError, id: CauseServiceMismatch,
			evidence: map[string]string{"signed": "execute-api", "server": "s3"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "GET", presignedWith(t, keyMain, "execute-api", testRegion, "GET", causeObjectURL), nil)
			}},
		{name: "x-amz-meta header not signed", code: s3err.AccessDenied, id: CauseUnsignedAmzHeader,
			evidence: map[string]string{"headers": "x-amz-meta-owner"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "PUT", presigned(t, "PUT", causeObjectURL), http.Header{"X-Amz-Meta-Owner": {"me"}})
			}},
		{name: "x-id added after signing", code: s3err.SignatureDoesNotMatch, id: CauseQueryParamAdded,
			evidence: map[string]string{"param": "x-id", "value": "GetObject"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "GET", presigned(t, "GET", causeObjectURL)+"&x-id=GetObject", nil)
			}},
		{name: "X-Amz-Expires edited", code: s3err.SignatureDoesNotMatch, id: CauseQueryParamEdited,
			evidence: map[string]string{"param": "X-Amz-Expires", "signed": "3600", "sent": "7200"},
			request:  edited("GET", causeObjectURL, "X-Amz-Expires=3600", "X-Amz-Expires=7200")},
		{name: "X-Amz-Date edited", code: s3err.SignatureDoesNotMatch, id: CauseQueryParamEdited,
			evidence: map[string]string{"param": "X-Amz-Date", "signed": "20260221T103000Z", "sent": "20260221T103100Z"},
			request:  edited("GET", causeObjectURL, "X-Amz-Date=20260221T103000Z", "X-Amz-Date=20260221T103100Z")},
		{name: "space sent as +", code: s3err.SignatureDoesNotMatch, id: CauseKeyEncoding,
			evidence: map[string]string{"signed_path": "/bucket/my%20photo.png", "sent_path": "/bucket/my+photo.png"},
			request:  edited("GET", "http://localhost:9000/bucket/my%20photo.png", "my%20photo", "my+photo")},
		{name: "URL re-encoded after signing (%2520)", code: s3err.SignatureDoesNotMatch, id: CauseKeyEncoding,
			evidence: map[string]string{"signed_path": "/bucket/my%20photo.png", "blame": "re-encoded after signing"},
			request:  edited("GET", "http://localhost:9000/bucket/my%20photo.png", "my%20photo", "my%2520photo")},
		{name: "signer escaped an escaped key", code: s3err.SignatureDoesNotMatch, id: CauseKeyEncoding,
			evidence: map[string]string{"signed_path": "/bucket/my%2520photo.png", "blame": "signer"},
			request:  edited("GET", "http://localhost:9000/bucket/my%2520photo.png", "my%2520photo", "my%20photo")},
		{name: "double slash collapsed by the signer", code: s3err.SignatureDoesNotMatch, id: CauseKeyEncoding,
			evidence: map[string]string{"signed_path": "/bucket/a/b"},
			request:  edited("GET", "http://localhost:9000/bucket/a/b", "/a/b", "/a//b")},
		{name: "expired", code: s3err.AccessDenied, id: CauseExpired, now: signTime.Add(2 * time.Hour),
			evidence: map[string]string{"expired_at": "2026-02-21T11:30:00Z"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "GET", presigned(t, "GET", causeObjectURL), nil)
			}},
		{name: "not yet valid", code: s3err.AccessDenied, id: CauseNotYetValid, now: signTime.Add(-time.Hour),
			evidence: map[string]string{"signed_at": "2026-02-21T10:30:00Z"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "GET", presigned(t, "GET", causeObjectURL), nil)
			}},
		{name: "expires more than a week", code: s3err.AuthorizationQueryParametersError, id: CauseExpiresTooLong,
			evidence: map[string]string{"sent": "604801"},
			request: func(t *testing.T) *http.Request {
				u, _ := presignedURL(t, keyMain, testRegion, "GET", causeObjectURL, 604801*time.Second, nil)
				return presignedRequest(t, "GET", u, nil)
			}},
		{name: "clock skew", code: s3err.RequestTimeTooSkewed, id: CauseClockSkew, now: signTime.Add(time.Hour),
			evidence: map[string]string{"request_time": "2026-02-21T10:30:00Z", "server_time": "2026-02-21T11:30:00Z"},
			request: func(t *testing.T) *http.Request {
				return signedHeaderRequest(t, keyMain, "GET", causeObjectURL, "", nil)
			}},
		{name: "truncated signature", code: s3err.SignatureDoesNotMatch, id: CauseSignatureMalformed,
			evidence: map[string]string{"length": "60"},
			request: func(t *testing.T) *http.Request {
				u := presigned(t, "GET", causeObjectURL)
				return presignedRequest(t, "GET", u[:len(u)-4], nil)
			}},
		{name: "secret with a trailing newline", code: s3err.SignatureDoesNotMatch, id: CauseWrongSecret,
			evidence: map[string]string{"access_key": keyMain.AccessKeyID},
			request: func(t *testing.T) *http.Request {
				k := keyMain
				k.SecretAccessKey += "\n"
				return presignedRequest(t, "GET", presignedWith(t, k, "s3", testRegion, "GET", causeObjectURL), nil)
			}},
		{name: "signed with another key's secret", code: s3err.SignatureDoesNotMatch, id: CauseWrongSecret,
			evidence: map[string]string{"access_key": keyMain.AccessKeyID, "signed_with_secret_of": keyOdd.AccessKeyID},
			request: func(t *testing.T) *http.Request {
				k := keyOdd
				k.AccessKeyID = keyMain.AccessKeyID
				return signedHeaderRequest(t, k, "GET", causeObjectURL, "", nil)
			}},
		{name: "unknown secret", code: s3err.SignatureDoesNotMatch, id: CauseWrongSecret,
			evidence: map[string]string{"access_key": keyMain.AccessKeyID},
			request: func(t *testing.T) *http.Request {
				k := keyMain
				k.SecretAccessKey = "not-the-secret"
				return signedHeaderRequest(t, k, "GET", causeObjectURL, "", nil)
			}},
		{name: "unknown access key", code: s3err.InvalidAccessKeyID, id: CauseUnknownAccessKey,
			evidence: map[string]string{"access_key": "AKIANOBODY"},
			request: func(t *testing.T) *http.Request {
				return signedHeaderRequest(t, Credential{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"}, "GET", causeObjectURL, "", nil)
			}},
		{name: "access key lower-cased", code: s3err.InvalidAccessKeyID, id: CauseUnknownAccessKey,
			evidence: map[string]string{"access_key": "akiaiosfodnn7example", "similar_known_key": keyMain.AccessKeyID},
			request: func(t *testing.T) *http.Request {
				k := keyMain
				k.AccessKeyID = "akiaiosfodnn7example"
				return signedHeaderRequest(t, k, "GET", causeObjectURL, "", nil)
			}},
		{name: "temporary key without its token", code: s3err.InvalidAccessKeyID, id: CauseTokenMissing,
			evidence: map[string]string{"access_key": keyTmp.AccessKeyID},
			request: func(t *testing.T) *http.Request {
				k := keyTmp
				k.SessionToken = ""
				return signedHeaderRequest(t, k, "GET", causeObjectURL, "", nil)
			}},
		{name: "expired session token", code: s3err.ExpiredToken, id: CauseTokenExpired,
			evidence: map[string]string{"access_key": tmpShort.AccessKeyID, "expired_at": "2026-02-21T10:30:10Z"},
			request: func(t *testing.T) *http.Request {
				return signedHeaderRequest(t, tmpShort, "GET", causeObjectURL, "", nil)
			}},
		{name: "empty-body checksum in the URL replaced", code: s3err.SignatureDoesNotMatch, id: CauseChecksumParamInURL,
			evidence: map[string]string{"param": "x-amz-checksum-crc32", "signed": "AAAAAA==", "sent": "NSRBwg=="},
			request: func(t *testing.T) *http.Request {
				u := presigned(t, "PUT", causeObjectURL+"?x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32")
				return presignedRequest(t, "PUT", strings.Replace(u, "AAAAAA%3D%3D", "NSRBwg%3D%3D", 1), nil)
			}},
		{name: "checksum parameter added after signing", code: s3err.SignatureDoesNotMatch, id: CauseChecksumParamInURL,
			evidence: map[string]string{"param": "x-amz-checksum-crc32"},
			request: func(t *testing.T) *http.Request {
				return presignedRequest(t, "PUT", presigned(t, "PUT", causeObjectURL)+"&x-amz-checksum-crc32=NSRBwg%3D%3D", nil)
			}},
		{name: "payload hash header changed after signing", code: s3err.SignatureDoesNotMatch, id: CausePayloadHashMismatch,
			evidence: map[string]string{"signed": unsignedPayload},
			request: func(t *testing.T) *http.Request {
				r := signedHeaderRequest(t, keyMain, "PUT", causeObjectURL, "", map[string]string{"X-Amz-Content-Sha256": unsignedPayload})
				r.Header.Set("X-Amz-Content-Sha256", s3test.PayloadHash([]byte("body")))
				return r
			}},
		{name: "header-signed Content-Type changed", code: s3err.SignatureDoesNotMatch, id: CauseSignedHeaderChanged,
			evidence: map[string]string{"header": "content-type", "signed": "application/json", "sent": "application/json; charset=utf-8"},
			request: func(t *testing.T) *http.Request {
				r := signedHeaderRequest(t, keyMain, "PUT", causeObjectURL, "{}", map[string]string{"Content-Type": "application/json"})
				r.Header.Set("Content-Type", "application/json; charset=utf-8")
				return r
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = signTime.Add(30 * time.Second)
			}
			v := New(Config{Region: testRegion, Credentials: NewStaticCredentials(keyMain, keyOdd, keyTmp, tmpShort), Clock: s3test.NewClock(now)})
			ex := v.Explain(tc.request(t))
			e, ok := s3err.As(ex.Err)
			require.True(t, ok, "want a rejection, got %v", ex.Err)
			require.Equal(t, tc.code, e.Code, "%s", e.Diagnosis)
			require.NotEmpty(t, ex.Causes)
			assert.Equal(t, tc.id, ex.Causes[0].ID, "%s", e.Diagnosis)
			for k, want := range tc.evidence {
				assert.Equal(t, want, ex.Causes[0].Evidence[k], "evidence %s (%v)", k, ex.Causes[0].Evidence)
			}
			assertNoSignatureIn(t, v, ex)
		})
	}
}

// assertNoSignatureIn checks that no cause repeats the signature strictS3
// computed: causes travel in the server's headers and logs.
func assertNoSignatureIn(t *testing.T, _ *Verifier, ex Explanation) {
	t.Helper()
	if ex.Expected == "" {
		return
	}
	for _, c := range ex.Causes {
		assert.NotContains(t, c.Message, ex.Expected)
		for _, val := range c.Evidence {
			assert.NotContains(t, val, ex.Expected)
		}
	}
}

// SigV2 URLs as boto3 and the aws CLI v1 sign them (the e2e tests drive
// the real clients; here the string to sign is theirs).
func TestCauses_SigV2_NameTheMistake(t *testing.T) {
	exp := base10(v2Expires)
	get := presignV2("GET", "/bucket/photo.png", "", v2Expires, "GET\n\n\n"+exp+"\n/bucket/photo.png")
	put := presignV2("PUT", "/bucket/photo.png", "", v2Expires, "PUT\n\nimage/png\n"+exp+"\n/bucket/photo.png")
	cases := []struct {
		name     string
		region   string
		method   string
		target   string
		headers  map[string][]string
		code     s3err.Code
		ids      []string
		evidence map[string]string
	}{
		{name: "README: Expires=1 prefixed", target: strings.Replace(get, "Expires=", "Expires=1", 1),
			code: s3err.SignatureDoesNotMatch, ids: []string{CauseQueryParamEdited},
			evidence: map[string]string{"param": "Expires", "signed": exp, "sent": "1" + exp}},
		{name: "Expires replaced beyond recovery", target: strings.Replace(get, "Expires="+exp, "Expires=4102444800", 1),
			code: s3err.SignatureDoesNotMatch, ids: []string{CauseQueryParamEdited, CauseWrongSecret},
			evidence: map[string]string{"param": "Expires", "signed": "(unknown)", "sent": "4102444800"}},
		{name: "response-content-type added", target: get + "&response-content-type=text%2Fplain",
			code: s3err.SignatureDoesNotMatch, ids: []string{CauseQueryParamAdded},
			evidence: map[string]string{"param": "response-content-type", "value": "text/plain"}},
		{name: "pre-signed PUT sent with another Content-Type", method: "PUT", target: put,
			headers: map[string][]string{"Content-Type": {"application/octet-stream"}},
			code:    s3err.SignatureDoesNotMatch, ids: []string{CauseSignedHeaderChanged},
			evidence: map[string]string{"header": "content-type", "signed": "image/png", "sent": "application/octet-stream"}},
		{name: "truncated signature", target: get[:len(get)-6],
			code: s3err.SignatureDoesNotMatch, ids: []string{CauseSignatureMalformed}},
		{name: "SigV2 in a SigV4-only region", region: "eu-central-1", target: get,
			code: s3err.InvalidRequest, ids: []string{CauseSigV2Used}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			region, method := tc.region, tc.method
			if region == "" {
				region = "us-east-1"
			}
			if method == "" {
				method = "GET"
			}
			v, _ := newV2Verifier(t, region, signTime)
			ex := v.Explain(v2HTTPRequest(method, "localhost:9000", tc.target, tc.headers))
			e, ok := s3err.As(ex.Err)
			require.True(t, ok, "want a rejection, got %v", ex.Err)
			require.Equal(t, tc.code, e.Code, "%s", e.Diagnosis)
			ids := make([]string, len(ex.Causes))
			for i, c := range ex.Causes {
				ids[i] = c.ID
			}
			require.Equal(t, tc.ids, ids, "%s", e.Diagnosis)
			for k, want := range tc.evidence {
				assert.Equal(t, want, ex.Causes[0].Evidence[k], "evidence %s (%v)", k, ex.Causes[0].Evidence)
			}
		})
	}
}

func TestCauses_KeyInTheOtherUnicodeForm(t *testing.T) {
	nfc := "http://localhost:9000/bucket/caf%C3%A9.txt"  // é precomposed
	nfd := "http://localhost:9000/bucket/cafe%CC%81.txt" // e + combining acute
	for _, c := range []struct{ signed, sent, form string }{{nfc, nfd, "NFC"}, {nfd, nfc, "NFD"}} {
		v, _ := newTestVerifier(t, testRegion)
		u := presigned(t, "GET", c.signed)
		sentPath := strings.TrimPrefix(c.sent, "http://localhost:9000")
		signedPath := strings.TrimPrefix(c.signed, "http://localhost:9000")
		ex := v.Explain(presignedRequest(t, "GET", strings.Replace(u, signedPath, sentPath, 1), nil))
		require.NotEmpty(t, ex.Causes)
		assert.Equal(t, CauseKeyEncoding, ex.Causes[0].ID, ex.Causes[0].Message)
		assert.Equal(t, c.form, ex.Causes[0].Evidence["signed_form"])
		assert.Equal(t, signedPath, ex.Causes[0].Evidence["signed_path"])
	}
	assert.Equal(t, "Ångström", toNFC(toNFD("Ångström")))
	assert.Len(t, []rune(toNFD("Å")), 2)
}

// Behind a proxy that rewrote Host to its own name and port, the signer
// named the server's own port, which the request's context knows.
func TestCauses_HostMismatch_TriesTheServersOwnPort(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := presignedRequest(t, "GET", presigned(t, "GET", "http://localhost:31337/bucket/photo.png"), nil)
	r.Host = "proxy.internal:8443"
	r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 31337}))
	ex := v.Explain(r)
	require.NotEmpty(t, ex.Causes)
	assert.Equal(t, CauseHostMismatch, ex.Causes[0].ID, ex.Causes[0].Message)
	assert.Equal(t, "localhost:31337", ex.Causes[0].Evidence["signed"])
}
