package verifier

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

func diagnosisOf(t *testing.T, err error) string {
	t.Helper()
	e, ok := s3err.As(err)
	require.True(t, ok, "want an S3 error, got %v", err)
	require.Equal(t, s3err.SignatureDoesNotMatch, e.Code)
	return e.Diagnosis
}

// Go's URL escaping keeps "!" and "'" literal; a SigV4 signer fed that path
// signs it unencoded, while S3 encodes every byte outside the unreserved
// set.
func TestDiagnosis_SignerDidNotEncodePath_SaysPathAsSent(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := signedHeaderRequest(t, keyMain, "GET", "http://localhost:9000/bucket/it's!", "", nil)
	_, err := v.Authenticate(r)
	assert.Contains(t, diagnosisOf(t, err), "the path exactly as sent (/bucket/it's!)")
}

func TestDiagnosis_PlusInQueryReadAsLiteral(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	r := signedHeaderRequest(t, keyMain, "GET", "http://localhost:9000/bucket?prefix=a%2Bb", "", nil)
	r.RequestURI = strings.Replace(r.RequestURI, "%2B", "+", 1) // a client that sent '+' unencoded
	_, err := v.Authenticate(r)
	assert.Contains(t, diagnosisOf(t, err), "'+' in the query read as a literal plus")
}

func TestDiagnosis_VirtualHostedSignedSentPathStyle(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	signed := signedHeaderRequest(t, keyMain, "GET", "http://localhost:9000/key.txt", "", nil)
	signed.RequestURI = "/bucket/key.txt"
	_, err := v.Authenticate(signed)
	assert.Contains(t, diagnosisOf(t, err), "signed for virtual-hosted addressing (bucket in Host) and sent path-style")
}

// The diagnosis runs only on failures and stays bounded whatever the query.
func TestDiagnosis_ManyQueryParameters_TriesABoundedNumber(t *testing.T) {
	q := &v4Request{method: "GET", uri: "/b", signed: []string{"host"}, values: []string{"h"}}
	for i := 0; i < 100; i++ {
		q.query = append(q.query, queryParam{name: "p" + strings.Repeat("x", i), value: "v"})
	}
	v, _ := newTestVerifier(t, testRegion)
	r := clientRequest(t, "GET", "http://h/b", "", nil)
	n := len(v4Variants(v, r, q, true))
	assert.Less(t, n, 40)
}

// The worst case a client can build: every variant family applies. The
// count bounds the failure path's cost (one SHA-256 and one HMAC each).
func TestDiagnosis_TriesABoundedNumber(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	u := presigned(t, "PUT", "http://localhost:9000/bucket/a%2Bb%20c//d?x-amz-checksum-crc32=AAAAAA%3D%3D&prefix=a%2Bb")
	_, err := v.Authenticate(presignedRequest(t, "PUT", u, nil))
	require.NoError(t, err)
	r := presignedRequest(t, "PUT", u+"&x-id=PutObject", http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "X-Amz-Content-Sha256": {emptySHA256}})
	p, _ := parsePresigned(parseRawQuery(r.URL.RawQuery), testRegion)
	path, raw := rawTarget(r)
	ps := parseRawQuery(raw)
	signed := splitSignedHeaders(p.signedHeaders)
	q := &v4Request{method: r.Method, uri: CanonicalURI(path), query: ps, skipQuery: qSignature, signedList: p.signedHeaders,
		signed: signed, values: appendSignedValues(nil, r, signed, ps), payload: unsignedPayload, amzDate: p.amzDate, scope: p.cred.scope()}
	n := len(v4Variants(v, r, q, true)) + len(v.secretVariantsV4(v4Diag{r: r, q: *q, cred: keyMain, scope: p.cred}))
	assert.Less(t, n, 250)
	ex := v.Explain(r)
	require.NotEmpty(t, ex.Causes)
	assert.Equal(t, CauseQueryParamAdded, ex.Causes[0].ID)
}
