package verifier

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
)

// The AWS developer guide's RESTAuthentication examples (bucket
// "johnsmith", key AKIAIOSFODNN7EXAMPLE) are the fixtures: their published
// signatures pin the SigV2 string to sign.

// v2Sig is SigV2's signature: base64(HMAC-SHA1(secret, StringToSign)).
func v2Sig(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func newV2Verifier(t *testing.T, region string, now time.Time) (*Verifier, *s3test.Clock) {
	t.Helper()
	clk := s3test.NewClock(now)
	v := New(Config{Region: region, Credentials: NewStaticCredentials(keyMain, keyTmp), Clock: clk, BaseDomain: "s3.amazonaws.com"})
	return v, clk
}

func v2HTTPRequest(method, host, target string, headers map[string][]string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = host
	for k, vs := range headers {
		r.Header[http.CanonicalHeaderKey(k)] = vs
	}
	return r
}

func TestSigV2_AWSDocumentationExamples_AreAuthentic(t *testing.T) {
	cases := []struct {
		name, method, host, target string
		headers                    map[string][]string
		now                        time.Time
	}{
		{"object GET (header)", "GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", map[string][]string{
			"Date":          {"Tue, 27 Mar 2007 19:36:42 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
		}, time.Date(2007, 3, 27, 19, 40, 0, 0, time.UTC)},
		{"object PUT (header)", "PUT", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", map[string][]string{
			"Content-Type":  {"image/jpeg"},
			"Date":          {"Tue, 27 Mar 2007 21:15:45 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:MyyxeRY7whkBe+bq8fHCL/2kKUg="},
		}, time.Date(2007, 3, 27, 21, 15, 0, 0, time.UTC)},
		{"upload with x-amz headers, repeated header joined", "PUT", "s3.amazonaws.com", "/static.example.com/db-backup.dat.gz", map[string][]string{
			"Date":                         {"Tue, 27 Mar 2007 21:06:08 +0000"},
			"X-Amz-Acl":                    {"public-read"},
			"Content-Type":                 {"application/x-download"},
			"Content-Md5":                  {"4gJE4saaMU4BqNR0kLY+lw=="},
			"X-Amz-Meta-Reviewedby":        {"joe@example.com", "jane@example.com"},
			"X-Amz-Meta-Filechecksum":      {"0x02661779"},
			"X-Amz-Meta-Checksumalgorithm": {"crc32"},
			"Authorization":                {"AWS AKIAIOSFODNN7EXAMPLE:jtBQa0Aq+DkULFI8qrpwIjGEx0E="},
		}, time.Date(2007, 3, 27, 21, 6, 8, 0, time.UTC)},
		{"list bucket root (resource gets the bucket and a slash)", "GET", "johnsmith.s3.amazonaws.com", "/?prefix=photos&max-keys=50&marker=puppy", map[string][]string{
			"User-Agent":    {"Mozilla/5.0"},
			"Date":          {"Tue, 27 Mar 2007 19:42:41 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U="},
		}, time.Date(2007, 3, 27, 19, 42, 41, 0, time.UTC)},
		{"fetch ACL sub-resource", "GET", "johnsmith.s3.amazonaws.com", "/?acl", map[string][]string{
			"Date":          {"Tue, 27 Mar 2007 19:44:46 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:c2WLPFtWHVgbEmeEG93a4cG37dM="},
		}, time.Date(2007, 3, 27, 19, 44, 46, 0, time.UTC)},
		{"delete with x-amz-date (empty Date line)", "DELETE", "s3.amazonaws.com", "/johnsmith/photos/puppy.jpg", map[string][]string{
			"Date":          {"Tue, 27 Mar 2007 21:20:27 +0000"},
			"X-Amz-Date":    {"Tue, 27 Mar 2007 21:20:26 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:R4dJ53KECjStyBO5iTBJZ4XVOaI="},
		}, time.Date(2007, 3, 27, 21, 20, 26, 0, time.UTC)},
		{"path-style bucket request (botocore signs /bucket/)", "GET", "localhost:9000", "/johnsmith?prefix=photos&max-keys=50&marker=puppy", map[string][]string{
			"Date":          {"Tue, 27 Mar 2007 19:42:41 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U="},
		}, time.Date(2007, 3, 27, 19, 42, 41, 0, time.UTC)},
		{"query string (pre-signed)", "GET", "johnsmith.s3.amazonaws.com",
			"/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620",
			nil, time.Date(2007, 3, 29, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newV2Verifier(t, "us-east-1", tc.now)
			res, err := v.Authenticate(v2HTTPRequest(tc.method, tc.host, tc.target, tc.headers))
			require.NoError(t, err)
			assert.Equal(t, keyMain.AccessKeyID, res.Identity.AccessKeyID)
		})
	}
}

// presignV2 signs a SigV2 query URL for the path-style target.
func presignV2(method, path, subresources string, expires int64, sts string) string {
	sig := v2Sig(keyMain.SecretAccessKey, sts)
	q := "AWSAccessKeyId=" + keyMain.AccessKeyID + "&Expires=" + base10(expires) + "&Signature=" + url.QueryEscape(sig)
	if subresources != "" {
		return path + "?" + subresources + "&" + q
	}
	return path + "?" + q
}

func base10(n int64) string { return strconv.FormatInt(n, 10) }

var v2Expires = signTime.Add(time.Hour).Unix()

func TestSigV2Query_SubResourcesAndOverrides_AreSigned(t *testing.T) {
	sts := "GET\n\n\n" + base10(v2Expires) + "\n/bucket/k%20x?response-content-type=text/plain&versionId=3"
	target := presignV2("GET", "/bucket/k%20x", "versionId=3&response-content-type=text%2Fplain&prefix=ignored", v2Expires, sts)
	v, _ := newV2Verifier(t, "us-east-1", signTime)
	res, err := v.Authenticate(v2HTTPRequest("GET", "localhost:9000", target, nil))
	require.NoError(t, err)
	assert.Equal(t, AuthSigV2Query, res.Identity.Auth)
}

func TestSigV2Query_MissingParameter_IsAccessDenied403(t *testing.T) {
	for _, drop := range []string{"AWSAccessKeyId", "Signature", "Expires"} {
		t.Run(drop, func(t *testing.T) {
			v, _ := newV2Verifier(t, "us-east-1", signTime)
			q := url.Values{"AWSAccessKeyId": {keyMain.AccessKeyID}, "Signature": {"x"}, "Expires": {"1"}}
			q.Del(drop)
			_, err := v.Authenticate(v2HTTPRequest("GET", "localhost", "/b/k?"+q.Encode(), nil))
			wantErr(t, err, 403, s3err.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
		})
	}
}

func TestSigV2Query_Expired_IsRequestHasExpiredWithoutXAmzExpires(t *testing.T) {
	sts := "GET\n\n\n" + base10(v2Expires) + "\n/bucket/k"
	target := presignV2("GET", "/bucket/k", "", v2Expires, sts)
	v, _ := newV2Verifier(t, "us-east-1", time.Unix(v2Expires+1, 0))
	_, err := v.Authenticate(v2HTTPRequest("GET", "localhost", target, nil))
	e := wantErr(t, err, 403, s3err.AccessDenied, "Request has expired", "Expires", "ServerTime")
	assert.Equal(t, "2026-02-21T11:30:00Z", elem(t, e, "Expires"))
	assert.Equal(t, "2026-02-21T11:30:01Z", elem(t, e, "ServerTime"))

	// localstack#2493: a PUT to an expired GET URL is "expired", not a
	// signature mismatch.
	_, err = v.Authenticate(v2HTTPRequest("PUT", "localhost", target, nil))
	wantErr(t, err, 403, s3err.AccessDenied, "Request has expired", "Expires", "ServerTime")
}

func TestSigV2Query_NoSevenDayCap(t *testing.T) {
	far := signTime.Add(365 * 24 * time.Hour).Unix()
	target := presignV2("GET", "/bucket/k", "", far, "GET\n\n\n"+base10(far)+"\n/bucket/k")
	v, _ := newV2Verifier(t, "us-east-1", signTime)
	_, err := v.Authenticate(v2HTTPRequest("GET", "localhost", target, nil))
	require.NoError(t, err)
}

func TestSigV2Query_ChangedRequest_IsSignatureDoesNotMatchWithFourElements(t *testing.T) {
	sts := "GET\n\n\n" + base10(v2Expires) + "\n/bucket/k"
	target := presignV2("GET", "/bucket/k", "", v2Expires, sts)
	cases := []struct {
		name, method string
		headers      map[string][]string
		diagnosis    string
	}{
		{"content type added", "GET", map[string][]string{"Content-Type": {"text/plain"}}, "Content-Type 'text/plain' was added after signing"},
		{"extra x-amz header", "GET", map[string][]string{"X-Amz-Meta-Foo": {"bar"}}, "no x-amz-meta-foo: that x-amz-* header was added after signing"},
		{"other method", "PUT", nil, "method GET: it was signed for GET and sent as PUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newV2Verifier(t, "us-east-1", signTime)
			_, err := v.Authenticate(v2HTTPRequest(tc.method, "localhost", target, tc.headers))
			e := wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
				"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
				"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes")
			assert.Equal(t, v2Sig(keyMain.SecretAccessKey, sts), elem(t, e, "SignatureProvided"))
			assert.Contains(t, e.Diagnosis, tc.diagnosis)
		})
	}
}

func TestSigV2Query_ContentEncodingChanged_IsIgnored(t *testing.T) {
	sts := "PUT\n\n\n" + base10(v2Expires) + "\n/bucket/k"
	target := presignV2("PUT", "/bucket/k", "", v2Expires, sts)
	v, _ := newV2Verifier(t, "us-east-1", signTime)
	_, err := v.Authenticate(v2HTTPRequest("PUT", "localhost", target, map[string][]string{"Content-Encoding": {"gzip"}}))
	require.NoError(t, err)
}

func TestSigV2Query_UnencodedPlusInSignature_DiagnosisSaysSo(t *testing.T) {
	v, _ := newV2Verifier(t, "us-east-1", time.Date(2007, 3, 29, 0, 0, 0, 0, time.UTC))
	_, err := v.Authenticate(v2HTTPRequest("GET", "johnsmith.s3.amazonaws.com",
		"/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM+WFzoENXmpNDUsSn8%3D&Expires=1175139620", nil))
	e, _ := s3err.As(err)
	require.NotNil(t, e)
	assert.Equal(t, s3err.SignatureDoesNotMatch, e.Code)
	assert.Contains(t, e.Diagnosis, "the Signature parameter was not URL-encoded")
}

// botocore's SigV2 pre-signer moves x-amz-* headers into the query; they
// are part of the string to sign and reach the emulator as headers.
func TestSigV2Query_AmzParametersInQuery_AreSignedAndApplied(t *testing.T) {
	sts := "PUT\n\n\n" + base10(v2Expires) + "\nx-amz-meta-color:blue\n/bucket/k"
	target := presignV2("PUT", "/bucket/k", "x-amz-meta-color=blue", v2Expires, sts)
	v, _ := newV2Verifier(t, "us-east-1", signTime)
	res, err := v.Authenticate(v2HTTPRequest("PUT", "localhost", target, nil))
	require.NoError(t, err)
	assert.Equal(t, "blue", res.QueryHeaders.Get("X-Amz-Meta-Color"))
}

func TestSigV2_InSigV4OnlyRegion_IsInvalidRequest(t *testing.T) {
	sts := "GET\n\n\n" + base10(v2Expires) + "\n/bucket/k"
	v, _ := newV2Verifier(t, "eu-central-1", signTime)
	_, err := v.Authenticate(v2HTTPRequest("GET", "localhost", presignV2("GET", "/bucket/k", "", v2Expires, sts), nil))
	wantErr(t, err, 400, s3err.InvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
}

func TestSigV2Query_ExpiresNotANumber_IsAccessDenied(t *testing.T) {
	v, _ := newV2Verifier(t, "us-east-1", signTime)
	_, err := v.Authenticate(v2HTTPRequest("GET", "localhost", "/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=tomorrow&Signature=x", nil))
	wantErr(t, err, 403, s3err.AccessDenied, "Invalid date (should be seconds since epoch): tomorrow")
}

func TestSigV2Header_Errors(t *testing.T) {
	good := map[string][]string{
		"Date":          {"Tue, 27 Mar 2007 19:36:42 +0000"},
		"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
	}
	at := time.Date(2007, 3, 27, 19, 36, 42, 0, time.UTC)
	t.Run("skew over 15 minutes", func(t *testing.T) {
		v, _ := newV2Verifier(t, "us-east-1", at.Add(16*time.Minute))
		_, err := v.Authenticate(v2HTTPRequest("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", good))
		e := wantErr(t, err, 403, s3err.RequestTimeTooSkewed, "The difference between the request time and the current time is too large.",
			"RequestTime", "ServerTime", "MaxAllowedSkewMilliseconds")
		assert.Equal(t, "Tue, 27 Mar 2007 19:36:42 +0000", elem(t, e, "RequestTime"))
		assert.Equal(t, "2007-03-27T19:52:42Z", elem(t, e, "ServerTime"))
	})
	t.Run("no date", func(t *testing.T) {
		v, _ := newV2Verifier(t, "us-east-1", at)
		_, err := v.Authenticate(v2HTTPRequest("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg",
			map[string][]string{"Authorization": good["Authorization"]}))
		wantErr(t, err, 403, s3err.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header")
	})
	t.Run("no colon", func(t *testing.T) {
		v, _ := newV2Verifier(t, "us-east-1", at)
		_, err := v.Authenticate(v2HTTPRequest("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg",
			map[string][]string{"Date": good["Date"], "Authorization": {"AWS AKIAIOSFODNN7EXAMPLE"}}))
		wantErr(t, err, 400, s3err.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", "ArgumentName", "ArgumentValue")
	})
	t.Run("virtual-hosted bucket left out by the signer", func(t *testing.T) {
		v, _ := newV2Verifier(t, "us-east-1", at)
		sig := v2Sig(keyMain.SecretAccessKey, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/photos/puppy.jpg")
		_, err := v.Authenticate(v2HTTPRequest("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg",
			map[string][]string{"Date": good["Date"], "Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:" + sig}}))
		e := wantErr(t, err, 403, s3err.SignatureDoesNotMatch,
			"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes")
		assert.Equal(t, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg", elem(t, e, "StringToSign"))
		assert.Contains(t, e.Diagnosis, "left the bucket out of the resource")
	})
	t.Run("x-amz-date replaces the Date line", func(t *testing.T) {
		v, _ := newV2Verifier(t, "us-east-1", at)
		sts := "GET\n\n\n\nx-amz-date:Tue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg"
		_, err := v.Authenticate(v2HTTPRequest("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", map[string][]string{
			"X-Amz-Date": {"Tue, 27 Mar 2007 19:36:42 +0000"}, "Date": {"Wed, 28 Mar 2007 01:00:00 +0000"},
			"Authorization": {"AWS AKIAIOSFODNN7EXAMPLE:" + v2Sig(keyMain.SecretAccessKey, sts)},
		}))
		require.NoError(t, err)
	})
}

func TestVirtualBucket_FollowsTheEmulatorsAddressing(t *testing.T) {
	v := New(Config{BaseDomain: "localhost:9000"})
	for host, want := range map[string]string{
		"bucket.localhost:9000":      "bucket",
		"bucket.s3.localhost":        "bucket",
		"my.dotted.bucket.localhost": "my.dotted.bucket",
		"BUCKET.LOCALHOST.":          "bucket",
		"localhost:9000":             "",
		"s3.localhost":               "",
		"127.0.0.1:9000":             "",
		"bucket.example.com":         "",
	} {
		assert.Equal(t, want, v.virtualBucket(host), host)
	}
}

// The session token is an x-amz-* header, so SigV2 signs it; it is then
// checked against the key like SigV4's.
func TestSigV2Header_SessionToken(t *testing.T) {
	date := "Sat, 21 Feb 2026 10:30:00 GMT"
	req := func(token string) *http.Request {
		h := map[string][]string{"Date": {date}}
		sts := "GET\n\n\n" + date + "\n"
		if token != "" {
			h["X-Amz-Security-Token"] = []string{token}
			sts += "x-amz-security-token:" + token + "\n"
		}
		sts += "/bucket/k"
		h["Authorization"] = []string{"AWS " + keyTmp.AccessKeyID + ":" + v2Sig(keyTmp.SecretAccessKey, sts)}
		return v2HTTPRequest("GET", "localhost", "/bucket/k", h)
	}
	v, clk := newV2Verifier(t, "us-east-1", signTime)
	_, err := v.Authenticate(req(keyTmp.SessionToken))
	require.NoError(t, err)

	_, err = v.Authenticate(req(""))
	wantErr(t, err, 403, s3err.InvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.", "AWSAccessKeyId")

	_, err = v.Authenticate(req("other"))
	wantErr(t, err, 400, s3err.InvalidToken, "The provided token is malformed or otherwise invalid.", "Token-0")

	// A pre-signed SigV2 URL (botocore moves the token into the query)
	// outliving its token: ExpiredToken once the signature checked out.
	far := keyTmp.Expires.Add(24 * time.Hour).Unix()
	sts := "GET\n\n\n" + base10(far) + "\nx-amz-security-token:" + keyTmp.SessionToken + "\n/bucket/k"
	target := "/bucket/k?AWSAccessKeyId=" + keyTmp.AccessKeyID + "&Expires=" + base10(far) +
		"&x-amz-security-token=" + url.QueryEscape(keyTmp.SessionToken) + "&Signature=" + url.QueryEscape(v2Sig(keyTmp.SecretAccessKey, sts))
	clk.Set(keyTmp.Expires.Add(-time.Minute))
	_, err = v.Authenticate(v2HTTPRequest("GET", "localhost", target, nil))
	require.NoError(t, err)
	clk.Set(keyTmp.Expires.Add(time.Minute))
	_, err = v.Authenticate(v2HTTPRequest("GET", "localhost", target, nil))
	e := wantErr(t, err, 400, s3err.ExpiredToken, "The provided token has expired.", "Token-0")
	assert.Equal(t, keyTmp.SessionToken, elem(t, e, "Token-0"))
}
