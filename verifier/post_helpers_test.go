package verifier_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// Test fixtures: one region, one bucket, one long-lived key and one
// temporary key.
const (
	testRegion  = "us-east-1"
	testBucket  = "photos"
	testAKID    = "AKIAPOSTEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tempAKID    = "ASIAPOSTEXAMPLE"
	tempSecret  = "tempsecret"
	tempToken   = "FQoGZXIvYXdzEXAMPLETOKEN"
	testDay     = "20261126"
	testAmzDate = "20261126T220000Z"
)

var testNow = time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)

func newPostVerifier(clock verifier.Clock) *verifier.Verifier {
	return verifier.New(verifier.Config{
		Region: testRegion,
		Clock:  clock,
		Credentials: verifier.NewStaticCredentials(
			verifier.Credential{AccessKeyID: testAKID, SecretAccessKey: testSecret},
			verifier.Credential{AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: tempToken,
				Expires: testNow.Add(time.Hour)},
		),
	})
}

// kv is one form field.
type kv struct{ name, value string }

// postBody builds a multipart POST to /testBucket with fields, then the
// file part (when file is not nil), then after.
func postBody(t *testing.T, fields []kv, file *s3test.File, after []kv) *http.Request {
	t.Helper()
	return s3test.PostRequest(t, "http://localhost/"+testBucket, formFields(fields), file, formFields(after)...)
}

func formFields(kvs []kv) []s3test.Field {
	out := make([]s3test.Field, 0, len(kvs))
	for _, f := range kvs {
		out = append(out, s3test.Field{Name: f.name, Value: f.value})
	}
	return out
}

// policyB64 assembles a policy document from raw JSON conditions.
func policyB64(expiration string, conds ...string) string {
	doc := `{"expiration":"` + expiration + `","conditions":[` + strings.Join(conds, ",") + `]}`
	return base64.StdEncoding.EncodeToString([]byte(doc))
}

const testExpiration = "2026-11-26T23:00:00.000Z"

// v4Conds are the conditions every SigV4 form needs besides key.
func v4Conds(akid string) []string {
	return []string{
		`{"bucket":"` + testBucket + `"}`,
		`{"x-amz-algorithm":"AWS4-HMAC-SHA256"}`,
		`{"x-amz-credential":"` + akid + "/" + testDay + "/" + testRegion + `/s3/aws4_request"}`,
		`{"x-amz-date":"` + testAmzDate + `"}`,
	}
}

// v4Fields returns key, the SigV4 auth fields and extra, signed over policy
// with the test key.
func v4Fields(key, policy string, extra ...kv) []kv {
	return v4FieldsFor(testAKID, testSecret, key, policy, extra...)
}

// v4FieldsFor returns key, extra, then the SigV4 auth fields for the key
// akid/secret with the policy signed.
func v4FieldsFor(akid, secret, key, policy string, extra ...kv) []kv {
	cred := akid + "/" + testDay + "/" + testRegion + "/s3/aws4_request"
	f := []kv{{"key", key}}
	f = append(f, extra...)
	return append(f,
		kv{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		kv{"X-Amz-Credential", cred},
		kv{"X-Amz-Date", testAmzDate},
		kv{"Policy", policy},
		kv{"X-Amz-Signature", s3test.SignV4Policy(secret, testDay, testRegion, policy)},
	)
}

// v2Fields returns key, the SigV2 auth fields and extra.
func v2Fields(key, policy string, extra ...kv) []kv {
	f := []kv{{"key", key}}
	f = append(f, extra...)
	return append(f,
		kv{"AWSAccessKeyId", testAKID},
		kv{"Policy", policy},
		kv{"Signature", s3test.SignV2Policy(testSecret, policy)},
	)
}

// without drops the fields called name (exact case).
func without(fields []kv, names ...string) []kv {
	var out []kv
next:
	for _, f := range fields {
		for _, n := range names {
			if f.name == n {
				continue next
			}
		}
		out = append(out, f)
	}
	return out
}

// replace sets the value of the field called name.
func replace(fields []kv, name, value string) []kv {
	out := append([]kv(nil), fields...)
	for i := range out {
		if out[i].name == name {
			out[i].value = value
		}
	}
	return out
}

// wantErr is an expected S3 error: status, code, message and the extra
// elements as name/value pairs in wire order.
type wantErr struct {
	status  int
	code    string
	message string
	extra   []string
}

func requireS3Error(t *testing.T, err error, want wantErr) {
	t.Helper()
	require.Error(t, err)
	e, ok := s3err.As(err)
	require.True(t, ok, "not an *s3err.Error: %v", err)
	require.Equal(t, want.status, e.Status, "status (%v)", e)
	require.Equal(t, want.code, string(e.Code), "code (%v)", e)
	require.Equal(t, want.message, e.Message, "message")
	var got []string
	for _, el := range e.Extra {
		got = append(got, el.Name, el.Value)
	}
	require.Equal(t, want.extra, got, "extra elements in wire order")
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func hexBytes(s string) string { return s3err.HexBytes(s) }

// replaceNames renames fields (exact match on the old name).
func replaceNames(fields []kv, names map[string]string) []kv {
	out := append([]kv(nil), fields...)
	for i := range out {
		if n, ok := names[out[i].name]; ok {
			out[i].name = n
		}
	}
	return out
}

// preDataOf is what a form of fields then aFile counts against the 20 KB
// pre-data limit: every byte before the file's content.
func preDataOf(t testing.TB, fields []kv) int {
	body, _ := s3test.PostForm(t, formFields(fields), aFile)
	_, afterHeader, found := strings.Cut(string(body), `name="file"`)
	require.True(t, found)
	i := strings.Index(afterHeader, "\r\n\r\n")
	require.GreaterOrEqual(t, i, 0)
	return len(body) - len(afterHeader) + i + len("\r\n\r\n")
}

// tempPolicy is keyedPolicy for the temporary key.
func tempPolicy(extra ...string) string {
	c := append(v4Conds(tempAKID), `["starts-with","$key","user/"]`)
	return policyB64(testExpiration, append(c, extra...)...)
}

// tempV4Fields signs with the temporary key.
func tempV4Fields(key, policy string, extra ...kv) []kv {
	return v4FieldsFor(tempAKID, tempSecret, key, policy, extra...)
}
