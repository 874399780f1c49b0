package emulator_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
)

// kv is one form field.
type kv struct{ name, value string }

// postPolicy is a policy document with expiration exp and the raw JSON
// conditions given.
func postPolicy(exp time.Time, conds ...string) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"expiration": %q, "conditions": [%s]}`,
		exp.UTC().Format("2006-01-02T15:04:05.000Z"), strings.Join(conds, ", "))))
}

// v4PostConds are the conditions a SigV4 form needs for its own fields.
func v4PostConds(ts *emulator.TestServer) []string {
	return []string{
		`{"x-amz-algorithm": "AWS4-HMAC-SHA256"}`,
		fmt.Sprintf(`{"x-amz-credential": %q}`, postCredential(ts)),
		fmt.Sprintf(`{"x-amz-date": %q}`, ts.Clock.Now().UTC().Format("20060102T150405Z")),
	}
}

func postCredential(ts *emulator.TestServer) string {
	return ts.AccessKeyID + "/" + ts.Clock.Now().UTC().Format("20060102") + "/" + ts.Region + "/s3/aws4_request"
}

// v4PostFields signs policy and returns key, the caller's fields, then the
// SigV4 fields with the policy and its signature.
func v4PostFields(ts *emulator.TestServer, key, policy string, fields ...kv) []kv {
	day := ts.Clock.Now().UTC().Format("20060102")
	out := []kv{{"key", key}}
	out = append(out, fields...)
	return append(out,
		kv{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		kv{"X-Amz-Credential", postCredential(ts)},
		kv{"X-Amz-Date", ts.Clock.Now().UTC().Format("20060102T150405Z")},
		kv{"Policy", policy},
		kv{"X-Amz-Signature", s3test.SignV4Policy(ts.SecretAccessKey, day, ts.Region, policy)})
}

// stdPolicy covers the bucket, the key exactly and the SigV4 fields, plus
// conds.
func stdPolicy(ts *emulator.TestServer, key string, conds ...string) string {
	all := append([]string{fmt.Sprintf(`{"bucket": %q}`, auditBucket), fmt.Sprintf(`["starts-with", "$key", %q]`, key)}, v4PostConds(ts)...)
	return postPolicy(ts.Clock.Now().Add(time.Hour), append(all, conds...)...)
}

func without(fields []kv, name string) []kv {
	var out []kv
	for _, f := range fields {
		if !strings.EqualFold(f.name, name) {
			out = append(out, f)
		}
	}
	return out
}

// postForm sends fields, the file (when not nil) and after to the bucket.
func postForm(t *testing.T, ts *emulator.TestServer, fields []kv, file *s3test.File, after ...kv) auditResp {
	t.Helper()
	body, ct := s3test.PostForm(t, formFields(fields), file, formFields(after)...)
	return auditSend(t, ts, auditRequest(t, "POST", ts.URL+"/"+auditBucket, body, map[string]string{"Content-Type": ct}))
}

func formFields(kvs []kv) []s3test.Field {
	out := make([]s3test.Field, 0, len(kvs))
	for _, f := range kvs {
		out = append(out, s3test.Field{Name: f.name, Value: f.value})
	}
	return out
}

func aFile(content string) *s3test.File { return &s3test.File{Filename: "cat.png", Content: content} }

func headAudit(t *testing.T, ts *emulator.TestServer, key string) (*s3.HeadObjectOutput, error) {
	return ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(auditBucket), Key: aws.String(key)})
}

const missingFieldMsg = "Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields."

// Spec §5 and §6 through HTTP: each rejection with its envelope, and that
// nothing is stored.
func TestSpecAudit_PostRejections(t *testing.T) {
	ts := auditServer(t)
	good := stdPolicy(ts, "up/")
	cases := []struct {
		name   string
		send   func(t *testing.T) auditResp
		status int
		want   wireError
	}{
		{"NotMultipart_Is412PreconditionFailed", func(t *testing.T) auditResp {
			return auditSend(t, ts, auditRequest(t, "POST", ts.URL+"/"+auditBucket, []byte("key=up/a"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}))
		}, 412, wireError{"PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
			[]string{"Condition", "Bucket POST must be of the enclosure-type multipart/form-data"}}},
		{"UnparseableMultipart_IsMalformedPOSTRequest", func(t *testing.T) auditResp {
			return auditSend(t, ts, auditRequest(t, "POST", ts.URL+"/"+auditBucket, []byte("no parts here"), map[string]string{"Content-Type": "multipart/form-data; boundary=xyz"}))
		}, 400, wireError{"MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", nil}},
		{"FieldsBeforeFileOver20KB_IsMaxPostPreDataLengthExceeded", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", good, kv{"x-ignore-pad", strings.Repeat("p", 20480)}), aFile("x"))
		}, 400, wireError{"MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.",
			[]string{"MaxPostPreDataLengthBytes", "20480"}}},
		{"KeyOnlyAfterFile_IsMissingKeyWithTwoSpaces", func(t *testing.T) auditResp {
			return postForm(t, ts, without(v4PostFields(ts, "up/a", good), "key"), aFile("x"), kv{"key", "up/a"})
		}, 400, wireError{"InvalidArgument", fmt.Sprintf(missingFieldMsg, "key"), []string{"ArgumentName", "key", "ArgumentValue", ""}}},
		{"NoAlgorithmNoCredential_NamesXAmzAlgorithmFirst", func(t *testing.T) auditResp {
			return postForm(t, ts, without(without(v4PostFields(ts, "up/a", good), "X-Amz-Algorithm"), "X-Amz-Credential"), aFile("x"))
		}, 400, wireError{"InvalidArgument", fmt.Sprintf(missingFieldMsg, "X-Amz-Algorithm"), []string{"ArgumentName", "X-Amz-Algorithm", "ArgumentValue", ""}}},
		{"SigV2WithoutSignature_NamesSignature", func(t *testing.T) auditResp {
			return postForm(t, ts, []kv{{"key", "up/a"}, {"AWSAccessKeyId", ts.AccessKeyID}, {"policy", good}}, aFile("x"))
		}, 400, wireError{"InvalidArgument", fmt.Sprintf(missingFieldMsg, "Signature"), []string{"ArgumentName", "Signature", "ArgumentValue", ""}}},
		{"NoSignatureFields_IsAccessDenied", func(t *testing.T) auditResp {
			return postForm(t, ts, []kv{{"key", "up/a"}, {"policy", good}}, aFile("x"))
		}, 403, wireError{"AccessDenied", "Access Denied", nil}},
		{"PolicyInvalidJSON_IsInvalidPolicyDocument", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", base64.StdEncoding.EncodeToString([]byte(`{"expiration": `))), aFile("x"))
		}, 400, wireError{"InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", nil}},
		{"PolicyBadExpiration_EchoesIt", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", base64.StdEncoding.EncodeToString([]byte(`{"expiration": "tomorrow", "conditions": []}`))), aFile("x"))
		}, 400, wireError{"InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: 'tomorrow'", nil}},
		{"SimpleConditionTwoProperties_IsInvalidSimpleCondition", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `{"acl": "private", "x-amz-meta-a": "b"}`)), aFile("x"))
		}, 400, wireError{"InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.", nil}},
		{"SimpleConditionOnMissingField_EchoedInEqForm", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `{"acl": "public-read"}`)), aFile("x"))
		}, 403, wireError{"AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "public-read"]`, nil}},
		{"ListConditionWithoutDollar_NeverMatches", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["eq", "success_action_redirect", "http://localhost/"]`),
				kv{"success_action_redirect", "http://localhost/"}), aFile("x"))
		}, 403, wireError{"AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "success_action_redirect", "http://localhost/"]`, nil}},
		{"ValuesAreCaseSensitive_EchoesPolicyValue", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["starts-with", "$success_action_redirect", "http://localhost"]`),
				kv{"success_action_redirect", "HTTP://localhost/"}), aFile("x"))
		}, 403, wireError{"AccessDenied", `Invalid according to Policy: Policy Condition failed: ["starts-with", "$success_action_redirect", "http://localhost"]`, nil}},
		{"UninterpretableRange_IsConditionFailedNotInvalidPolicy", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["content-length-range", "test", "10"]`)), aFile("x"))
		}, 403, wireError{"AccessDenied", `Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]`, nil}},
		{"StartsWithEmptyOnAbsentField_Fails", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["starts-with", "$Content-Length", ""]`)), aFile("x"))
		}, 403, wireError{"AccessDenied", `Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Length", ""]`, nil}},
		{"UncoveredField_IsExtraInputFieldsLowerCased", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", good, kv{"Content-Type", "text/html"}), aFile("x"))
		}, 403, wireError{"AccessDenied", "Invalid according to Policy: Extra input fields: content-type", nil}},
		{"NoBucketCondition_IsExtraInputFieldsBucket", func(t *testing.T) auditResp {
			p := postPolicy(ts.Clock.Now().Add(time.Hour), append([]string{`["starts-with", "$key", "up/"]`}, v4PostConds(ts)...)...)
			return postForm(t, ts, v4PostFields(ts, "up/a", p), aFile("x"))
		}, 403, wireError{"AccessDenied", "Invalid according to Policy: Extra input fields: bucket", nil}},
		{"SigV4FieldWithoutCondition_IsExtraInputFields", func(t *testing.T) auditResp {
			p := postPolicy(ts.Clock.Now().Add(time.Hour), append([]string{fmt.Sprintf(`{"bucket": %q}`, auditBucket), `["starts-with", "$key", "up/"]`}, v4PostConds(ts)[:2]...)...)
			return postForm(t, ts, v4PostFields(ts, "up/a", p), aFile("x"))
		}, 403, wireError{"AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-date", nil}},
		{"WrongBucket_Is403", func(t *testing.T) auditResp {
			p := postPolicy(ts.Clock.Now().Add(time.Hour), append([]string{`["eq", "$bucket", "other"]`, `["starts-with", "$key", "up/"]`}, v4PostConds(ts)...)...)
			return postForm(t, ts, v4PostFields(ts, "up/a", p), aFile("x"))
		}, 403, wireError{"AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "other"]`, nil}},
		{"OverRange_IsEntityTooLarge", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["content-length-range", 2, "4"]`)), aFile("12345"))
		}, 400, wireError{"EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", []string{"ProposedSize", "5", "MaxSizeAllowed", "4"}}},
		{"UnderRange_IsEntityTooSmall", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["content-length-range", "2", 4]`)), aFile("1"))
		}, 400, wireError{"EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", []string{"ProposedSize", "1", "MinSizeAllowed", "2"}}},
		{"NoFile_IsInvalidArgumentFile0", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", good), nil)
		}, 400, wireError{"InvalidArgument", "POST requires exactly one file upload per request.", []string{"ArgumentName", "file", "ArgumentValue", "0"}}},
		{"TaggingNotXML_IsMalformedXML", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `{"tagging": "a=b"}`), kv{"tagging", "a=b"}), aFile("x"))
		}, 400, wireError{"MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", nil}},
		{"BadStorageClass_IsInvalidStorageClass", func(t *testing.T) auditResp {
			return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `{"x-amz-storage-class": "FAST"}`), kv{"x-amz-storage-class", "FAST"}), aFile("x"))
		}, 400, wireError{"InvalidStorageClass", "The storage class you specified is not valid", []string{"StorageClassRequested", "FAST"}}},
	}
	// Spec §5 orders content-length-range (step 10) before object-level
	// validation (step 12).
	cases = append(cases, struct {
		name   string
		send   func(t *testing.T) auditResp
		status int
		want   wireError
	}{"OverRangeAndBadStorageClass_IsEntityTooLargeFirst", func(t *testing.T) auditResp {
		return postForm(t, ts, v4PostFields(ts, "up/a", stdPolicy(ts, "up/", `["content-length-range", 0, 2]`, `{"x-amz-storage-class": "FAST"}`),
			kv{"x-amz-storage-class", "FAST"}), aFile("12345"))
	}, 400, wireError{"EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", []string{"ProposedSize", "5", "MaxSizeAllowed", "2"}}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := requireS3Error(t, tc.send(t), tc.status)
			assert.Equal(t, tc.want, e)
			_, err := headAudit(t, ts, "up/a")
			assert.Error(t, err, "a rejected upload stores nothing")
		})
	}
}

// Spec §5 step 6: the signature is over the policy string as sent, with no
// CanonicalRequest even for SigV4.
func TestSpecAudit_PostTruncatedPolicy_IsSignatureDoesNotMatchWithoutCanonicalRequest(t *testing.T) {
	ts := auditServer(t)
	fields := v4PostFields(ts, "up/a", stdPolicy(ts, "up/"))
	var sig string
	for i, f := range fields {
		if f.name == "Policy" {
			fields[i].value = f.value[:len(f.value)-8]
		}
		if f.name == "X-Amz-Signature" {
			sig = f.value
		}
	}
	truncated := fields[len(fields)-2].value
	e := requireS3Error(t, postForm(t, ts, fields, aFile("x")), http.StatusForbidden)
	assert.Equal(t, wireError{"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		[]string{"AWSAccessKeyId", ts.AccessKeyID, "StringToSign", truncated, "SignatureProvided", sig, "StringToSignBytes", hexPairs(truncated)}}, e)
}

// Spec §5 step 8 with the manual clock.
func TestSpecAudit_PostPolicyExpired_UsesServerClock(t *testing.T) {
	ts := auditServer(t)
	p := postPolicy(ts.Clock.Now().Add(time.Minute), append([]string{fmt.Sprintf(`{"bucket": %q}`, auditBucket), `["starts-with", "$key", "up/"]`}, v4PostConds(ts)...)...)
	fields := v4PostFields(ts, "up/a", p)
	ts.Clock.Advance(2 * time.Minute)
	e := requireS3Error(t, postForm(t, ts, fields, aFile("x")), http.StatusForbidden)
	assert.Equal(t, wireError{"AccessDenied", "Invalid according to Policy: Policy expired.", nil}, e)
}

// Spec §6 case rules and §5/§7 successes through HTTP.
func TestSpecAudit_PostAccepted(t *testing.T) {
	ts := auditServer(t)
	t.Run("NamesCaseInsensitive", func(t *testing.T) {
		fields := v4PostFields(ts, "up/case", stdPolicy(ts, "up/",
			`["starts-with", "$success_Action_REDIRECT", "http://localhost"]`, `{"x-amz-meta-test-2": "v"}`, `["starts-with", "$content-type", "text/"]`),
			kv{"success_action_redirect", "http://localhost/done"}, kv{"x-amz-meta-TEST-2", "v"}, kv{"Content-Type", "text/plain"})
		fields[0].name = "kEy"
		r := postForm(t, ts, fields, aFile("x"))
		require.Equal(t, http.StatusSeeOther, r.StatusCode, "%s", r.Body)
		assert.Empty(t, r.Body)
		assert.Equal(t, `http://localhost/done?bucket=audit&key=up%2Fcase&etag=%229dd4e461268c8034f5c8564e155c67a6%22`, r.Header.Get("Location"))
		out, err := headAudit(t, ts, "up/case")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"test-2": "v"}, out.Metadata, "metadata keys lower-cased")
		assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
	})
	t.Run("RangeBoundsInclusive", func(t *testing.T) {
		for _, content := range []string{"12", "1234"} {
			r := postForm(t, ts, v4PostFields(ts, "up/range", stdPolicy(ts, "up/", `["content-length-range", 2, 4]`)), aFile(content))
			assert.Equal(t, http.StatusNoContent, r.StatusCode, "%d bytes: %s", len(content), r.Body)
		}
	})
	t.Run("Default204_NoBodyNoContentType", func(t *testing.T) {
		r := postForm(t, ts, v4PostFields(ts, "up/plain", stdPolicy(ts, "up/")), aFile("x"))
		require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.Body)
		assert.Empty(t, r.Body)
		assert.Empty(t, r.Header.Values("Content-Type"))
		assert.NotEmpty(t, r.Header.Get("ETag"))
		assert.Equal(t, ts.URL+"/audit/up/plain", r.Header.Get("Location"))
		assert.NotEmpty(t, r.Header.Get("X-Amz-Checksum-Crc64nvme"))
		assert.Equal(t, "FULL_OBJECT", r.Header.Get("X-Amz-Checksum-Type"))
		out, err := headAudit(t, ts, "up/plain")
		require.NoError(t, err)
		assert.Equal(t, "binary/octet-stream", aws.ToString(out.ContentType))
	})
	t.Run("FilenameLiteralWithoutFilename", func(t *testing.T) {
		r := postForm(t, ts, v4PostFields(ts, "up/${filename}", stdPolicy(ts, "up/")), &s3test.File{Content: "x", NoFilename: true})
		require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.Body)
		_, err := headAudit(t, ts, "up/${filename}")
		assert.NoError(t, err)
	})
	t.Run("FilenameExpanded", func(t *testing.T) {
		r := postForm(t, ts, v4PostFields(ts, "up/key-${filename}", stdPolicy(ts, "up/")), &s3test.File{Filename: "my-file", Content: "x"})
		require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.Body)
		_, err := headAudit(t, ts, "up/key-my-file")
		assert.NoError(t, err)
	})
	t.Run("FilenameExpandedInEveryField", func(t *testing.T) {
		// The docs: ${filename} "is recognized by all form fields"; LocalStack
		// replaces it in key only (spec §10), which is not to be copied.
		r := postForm(t, ts, v4PostFields(ts, "up/every", stdPolicy(ts, "up/",
			`{"x-amz-meta-original": "my-file"}`, `["starts-with", "$success_action_redirect", "http://localhost/done/"]`),
			kv{"x-amz-meta-original", "${filename}"}, kv{"success_action_redirect", "http://localhost/done/${filename}"}),
			&s3test.File{Filename: "my-file", Content: "x"})
		require.Equal(t, http.StatusSeeOther, r.StatusCode, "%s", r.Body)
		assert.True(t, strings.HasPrefix(r.Header.Get("Location"), "http://localhost/done/my-file?bucket=audit&key=up%2Fevery&etag="), r.Header.Get("Location"))
		out, err := headAudit(t, ts, "up/every")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"original": "my-file"}, out.Metadata)
	})
	t.Run("FieldsAfterFileIgnored", func(t *testing.T) {
		r := postForm(t, ts, v4PostFields(ts, "up/late", stdPolicy(ts, "up/")), aFile("x"),
			kv{"x-amz-meta-late", "1"}, kv{"success_action_status", "201"})
		require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.Body)
		out, err := headAudit(t, ts, "up/late")
		require.NoError(t, err)
		assert.Empty(t, out.Metadata)
	})
	t.Run("SimpleConditionAndEqOnSameValue_Match", func(t *testing.T) {
		r := postForm(t, ts, v4PostFields(ts, "up/eq", stdPolicy(ts, "up/", `["eq", "$Cache-Control", "no-store"]`, `{"success_action_status": "200"}`),
			kv{"Cache-Control", "no-store"}, kv{"success_action_status", "200"}), aFile("x"))
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
		assert.Empty(t, r.Body)
	})
}
