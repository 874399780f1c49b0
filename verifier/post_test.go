package verifier_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

const twoSpaces = "'.  If it is specified, please check the order of the fields."

func missingField(name string) wantErr {
	return wantErr{400, "InvalidArgument", "Bucket POST must contain a field named '" + name + twoSpaces,
		[]string{"ArgumentName", name, "ArgumentValue", ""}}
}

func conditionFailed(echo string) wantErr {
	return wantErr{403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: " + echo, nil}
}

func invalidPolicyDoc(message string) wantErr {
	return wantErr{400, "InvalidPolicyDocument", message, nil}
}

func extraInput(name string) wantErr {
	return wantErr{403, "AccessDenied", "Invalid according to Policy: Extra input fields: " + name, nil}
}

// keyed is the usual SigV4 policy: bucket, auth fields, key under user/.
func keyedPolicy(extra ...string) string {
	c := append(v4Conds(testAKID), `["starts-with","$key","user/"]`)
	return policyB64(testExpiration, append(c, extra...)...)
}

var aFile = &s3test.File{Filename: "cat.png", ContentType: "application/octet-stream", Content: "meow"}

func TestReadPost_RejectsFormsInS3Order(t *testing.T) {
	good := keyedPolicy()
	truncated := good[:len(good)-8]
	cases := []struct {
		name string
		req  func(t *testing.T) *http.Request
		want wantErr
	}{
		{"NotMultipart_IsPreconditionFailed", func(t *testing.T) *http.Request {
			r := postBody(t, v4Fields("user/a", good), aFile, nil)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, wantErr{412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
			[]string{"Condition", "Bucket POST must be of the enclosure-type multipart/form-data"}}},
		{"NoContentType_IsPreconditionFailed", func(t *testing.T) *http.Request {
			r := postBody(t, v4Fields("user/a", good), aFile, nil)
			r.Header.Del("Content-Type")
			return r
		}, wantErr{412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
			[]string{"Condition", "Bucket POST must be of the enclosure-type multipart/form-data"}}},
		{"NoBoundary_IsMalformedPOSTRequest", func(t *testing.T) *http.Request {
			r := postBody(t, v4Fields("user/a", good), aFile, nil)
			r.Header.Set("Content-Type", "multipart/form-data")
			return r
		}, wantErr{400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", nil}},
		{"WrongBoundary_IsMalformedPOSTRequest", func(t *testing.T) *http.Request {
			r := postBody(t, v4Fields("user/a", good), aFile, nil)
			r.Header.Set("Content-Type", "multipart/form-data; boundary=nothere")
			return r
		}, wantErr{400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", nil}},
		{"TruncatedBody_IsMalformedPOSTRequest", func(t *testing.T) *http.Request {
			r := postBody(t, v4Fields("user/a", good), nil, nil)
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(b[:len(b)/2])))
			return r
		}, wantErr{400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", nil}},
		{"FieldsBeforeFileOver20KB_IsMaxPostPreDataLengthExceeded", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", good, kv{"x-ignore-pad", strings.Repeat("p", 20480)}), aFile, nil)
		}, wantErr{400, "MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.",
			[]string{"MaxPostPreDataLengthBytes", "20480"}}},
		{"NoKey_IsInvalidArgumentKey", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "key"), aFile, nil)
		}, missingField("key")},
		{"KeyAfterFile_IsIgnoredSoKeyIsMissing", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "key"), aFile, []kv{{"key", "user/a"}})
		}, missingField("key")},
		{"SigV4WithoutSignature_NamesXAmzSignature", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "X-Amz-Signature"), aFile, nil)
		}, missingField("X-Amz-Signature")},
		{"SigV4WithoutSignatureAndAlgorithm_NamesSignatureFirst", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "X-Amz-Signature", "X-Amz-Algorithm"), aFile, nil)
		}, missingField("X-Amz-Signature")},
		{"SigV4WithoutAlgorithm_NamesXAmzAlgorithm", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "X-Amz-Algorithm", "X-Amz-Credential"), aFile, nil)
		}, missingField("X-Amz-Algorithm")},
		{"SigV4WithoutCredential_NamesXAmzCredential", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "X-Amz-Credential"), aFile, nil)
		}, missingField("X-Amz-Credential")},
		{"SigV4WithoutDate_NamesXAmzDate", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "X-Amz-Date"), aFile, nil)
		}, missingField("X-Amz-Date")},
		{"SigV4WithoutPolicy_NamesPolicy", func(t *testing.T) *http.Request {
			return postBody(t, without(v4Fields("user/a", good), "Policy"), aFile, nil)
		}, missingField("Policy")},
		{"SigV2WithoutSignature_NamesSignature", func(t *testing.T) *http.Request {
			return postBody(t, without(v2Fields("user/a", good), "Signature"), aFile, nil)
		}, missingField("Signature")},
		{"SigV2WithoutAccessKey_NamesAWSAccessKeyId", func(t *testing.T) *http.Request {
			return postBody(t, without(v2Fields("user/a", good), "AWSAccessKeyId"), aFile, nil)
		}, missingField("AWSAccessKeyId")},
		{"NoSignatureFields_IsAccessDenied", func(t *testing.T) *http.Request {
			return postBody(t, []kv{{"key", "user/a"}, {"policy", good}}, aFile, nil)
		}, wantErr{403, "AccessDenied", "Access Denied", nil}},
		{"SignatureFieldsAfterFile_AreIgnored", func(t *testing.T) *http.Request {
			return postBody(t, []kv{{"key", "user/a"}}, aFile, v4Fields("user/a", good)[1:])
		}, wantErr{403, "AccessDenied", "Access Denied", nil}},
		{"UnknownAccessKeySigV4_IsInvalidAccessKeyId", func(t *testing.T) *http.Request {
			return postBody(t, replace(v4Fields("user/a", good), "X-Amz-Credential", "AKIANOBODY/"+testDay+"/"+testRegion+"/s3/aws4_request"), aFile, nil)
		}, wantErr{403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
			[]string{"AWSAccessKeyId", "AKIANOBODY"}}},
		{"UnknownAccessKeySigV2_IsInvalidAccessKeyId", func(t *testing.T) *http.Request {
			return postBody(t, replace(v2Fields("user/a", good), "AWSAccessKeyId", "AKIANOBODY"), aFile, nil)
		}, wantErr{403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
			[]string{"AWSAccessKeyId", "AKIANOBODY"}}},
		{"CredentialForAnotherRegion_IsInvalidArgumentWithRegion", func(t *testing.T) *http.Request {
			return postBody(t, replace(v4Fields("user/a", good), "X-Amz-Credential", testAKID+"/"+testDay+"/eu-west-1/s3/aws4_request"), aFile, nil)
		}, wantErr{400, "InvalidArgument", "the region 'eu-west-1' is wrong; expecting 'us-east-1'",
			[]string{"ArgumentName", "X-Amz-Credential", "ArgumentValue", testAKID + "/" + testDay + "/eu-west-1/s3/aws4_request", "Region", "us-east-1"}}},
		{"MalformedCredential_IsInvalidArgument", func(t *testing.T) *http.Request {
			return postBody(t, replace(v4Fields("user/a", good), "X-Amz-Credential", testAKID+"%2F"+testDay), aFile, nil)
		}, wantErr{400, "InvalidArgument", `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
			[]string{"ArgumentName", "X-Amz-Credential", "ArgumentValue", testAKID + "%2F" + testDay}}},
		{"TruncatedPolicySigV4_IsSignatureDoesNotMatchWithoutCanonicalRequest", func(t *testing.T) *http.Request {
			return postBody(t, replace(v4Fields("user/a", good), "Policy", truncated), aFile, nil)
		}, wantErr{403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			[]string{"AWSAccessKeyId", testAKID, "StringToSign", truncated, "SignatureProvided", s3test.SignV4Policy(testSecret, testDay, testRegion, good),
				"StringToSignBytes", hexBytes(truncated)}}},
		{"WrongSecretSigV2_IsSignatureDoesNotMatch", func(t *testing.T) *http.Request {
			return postBody(t, replace(v2Fields("user/a", good), "Signature", s3test.SignV2Policy("other", good)), aFile, nil)
		}, wantErr{403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			[]string{"AWSAccessKeyId", testAKID, "StringToSign", good, "SignatureProvided", s3test.SignV2Policy("other", good), "StringToSignBytes", hexBytes(good)}}},
		{"SignedForAnotherDay_IsSignatureDoesNotMatch", func(t *testing.T) *http.Request {
			return postBody(t, replace(v4Fields("user/a", good), "X-Amz-Signature", s3test.SignV4Policy(testSecret, "20261125", testRegion, good)), aFile, nil)
		}, wantErr{403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			[]string{"AWSAccessKeyId", testAKID, "StringToSign", good, "SignatureProvided", s3test.SignV4Policy(testSecret, "20261125", testRegion, good), "StringToSignBytes", hexBytes(good)}}},
		{"UnsupportedAlgorithm_IsInvalidArgument", func(t *testing.T) *http.Request {
			return postBody(t, replace(v4Fields("user/a", good), "X-Amz-Algorithm", "AWS4-HMAC-SHA1"), aFile, nil)
		}, wantErr{400, "InvalidArgument", `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`,
			[]string{"ArgumentName", "X-Amz-Algorithm", "ArgumentValue", "AWS4-HMAC-SHA1"}}},
		{"PolicyNotBase64_IsInvalidJSON", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", "not*base64"), aFile, nil)
		}, wantErr{400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", nil}},
		{"PolicyNotJSON_IsInvalidJSON", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", b64(`{"expiration": "2026-11-26T23:00:00Z", "conditions": [}`)), aFile, nil)
		}, wantErr{400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", nil}},
		{"PolicyMissingExpiration_IsInvalidExpiration", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", b64(`{"conditions": []}`)), aFile, nil)
		}, wantErr{400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: ''", nil}},
		{"PolicyBadExpiration_EchoesValue", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", policyB64("tomorrow", v4Conds(testAKID)...)), aFile, nil)
		}, wantErr{400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: 'tomorrow'", nil}},
		{"SimpleConditionWithTwoProperties_IsInvalidSimpleCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`{"acl":"private","x-amz-meta-a":"b"}`)), aFile, nil)
		}, wantErr{400, "InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.", nil}},
		{"ConditionOnMissingField_FailsInEqForm", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`{"acl":"public-read"}`)), aFile, nil)
		}, conditionFailed(`["eq", "$acl", "public-read"]`)},
		{"KeyOutsidePrefix_FailsStartsWith", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("admin/a", good), aFile, nil)
		}, conditionFailed(`["starts-with", "$key", "user/"]`)},
		{"ListConditionWithoutDollar_NeverMatches", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["eq","success_action_redirect","http://localhost/done"]`),
				kv{"success_action_redirect", "http://localhost/done"}), aFile, nil)
		}, conditionFailed(`["eq", "success_action_redirect", "http://localhost/done"]`)},
		{"UninterpretableRange_FailsAsCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["content-length-range","test","10"]`)), aFile, nil)
		}, conditionFailed(`["content-length-range", "test", "10"]`)},
		{"UnknownOperator_FailsAsCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["contains","$acl","priv"]`), kv{"acl", "private"}), aFile, nil)
		}, conditionFailed(`["contains", "$acl", "priv"]`)},
		{"NonStringListValue_FailsAsCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["eq","$acl",1]`), kv{"acl", "1"}), aFile, nil)
		}, conditionFailed(`["eq", "$acl", 1]`)},
		{"NonStringSimpleValue_IsInvalidSimpleCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`{"acl":1}`), kv{"acl", "1"}), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid Simple-Condition: value must be a string.")},
		{"NullSimpleValue_IsInvalidJSON", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`{"success_action_redirect":null}`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid JSON.")},
		{"FractionalRange_IsInvalidJSON", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["content-length-range",0,512.0]`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid JSON.")},
		{"NegativeRangeBound_IsInvalidJSON", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["content-length-range",-1,0]`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid JSON.")},
		{"NegativeRangeMaximum_IsInvalidJSON", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["content-length-range",0,-10]`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid JSON.")},
		{"RangeWithOneBound_IsWrongNumberOfArguments", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["content-length-range",0]`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid content-length-range: wrong number of arguments.")},
		{"RangeWithThreeBounds_IsWrongNumberOfArguments", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["content-length-range",0,10,20]`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Invalid content-length-range: wrong number of arguments.")},
		{"TooShortList_FailsAsCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["eq","$acl"]`), kv{"acl", "x"}), aFile, nil)
		}, conditionFailed(`["eq", "$acl"]`)},
		{"BareStringCondition_FailsAsCondition", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`"acl"`)), aFile, nil)
		}, conditionFailed(`"acl"`)},
		{"ConditionEchoKeepsPolicyCaseAndValue", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`{"X-Amz-Meta-Tag":"Blue"}`), kv{"x-amz-meta-tag", "blue"}), aFile, nil)
		}, conditionFailed(`["eq", "$X-Amz-Meta-Tag", "Blue"]`)},
		{"FirstFailingConditionInPolicyOrderIsReported", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`{"acl":"private"}`, `{"x-amz-meta-a":"b"}`)), aFile, nil)
		}, conditionFailed(`["eq", "$acl", "private"]`)},
		{"FilenameExpandedBeforeExactKeyMatch", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/${filename}", policyB64(testExpiration, append(v4Conds(testAKID), `{"key":"user/${filename}"}`)...)), aFile, nil)
		}, conditionFailed(`["eq", "$key", "user/${filename}"]`)},
		{"ContentTypeListWithOneBadEntry_FailsStartsWith", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["starts-with","$Content-Type","image/"]`), kv{"Content-Type", "image/jpg,text/plain"}), aFile, nil)
		}, conditionFailed(`["starts-with", "$Content-Type", "image/"]`)},
		{"ValuesAreCaseSensitive", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["starts-with","$success_action_redirect","http://localhost"]`),
				kv{"success_action_redirect", "HTTP://localhost/done"}), aFile, nil)
		}, conditionFailed(`["starts-with", "$success_action_redirect", "http://localhost"]`)},
		{"StartsWithEmptyOnAbsentField_Fails", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["starts-with","$Content-Length",""]`)), aFile, nil)
		}, conditionFailed(`["starts-with", "$Content-Length", ""]`)},
		{"StartsWithOnSuccessActionStatus_Fails", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", keyedPolicy(`["starts-with","$success_action_status","2"]`),
				kv{"success_action_status", "201"}), aFile, nil)
		}, conditionFailed(`["starts-with", "$success_action_status", "2"]`)},
		{"BucketConditionIsCheckedAgainstURLBucket", func(t *testing.T) *http.Request {
			c := append([]string{`{"bucket":"other"}`}, v4Conds(testAKID)[1:]...)
			return postBody(t, v4Fields("user/a", policyB64(testExpiration, append(c, `{"key":"user/a"}`)...)), aFile, nil)
		}, conditionFailed(`["eq", "$bucket", "other"]`)},
		{"UncoveredField_IsExtraInputFields", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", good, kv{"Content-Type", "image/png"}), aFile, nil)
		}, extraInput("content-type")},
		{"NoBucketCondition_IsExtraInputFieldsBucket", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", policyB64(testExpiration, append(v4Conds(testAKID)[1:], `{"key":"user/a"}`)...)), aFile, nil)
		}, extraInput("bucket")},
		{"SigV4FormDoesNotExemptSignatureField", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", good, kv{"x-ignore-me", "1"}, kv{"Signature", "x"}), aFile, nil)
		}, extraInput("signature")},
		{"SigV4AuthFieldsNeedConditions", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", policyB64(testExpiration, `{"bucket":"photos"}`, `{"key":"user/a"}`)), aFile, nil)
		}, extraInput("x-amz-algorithm")},
		{"PolicyWithoutConditions_IsPolicyMissingConditions", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", b64(`{"expiration":"`+testExpiration+`"}`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Policy missing conditions.")},
		{"UpperCaseConditions_IsUnexpectedMember", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", b64(`{"expiration":"`+testExpiration+`","CONDITIONS":[{"bucket":"photos"}]}`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Unexpected: 'conditions'")},
		{"UnknownMember_IsReportedBeforeAMissingExpiration", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", b64(`{"Version":"2012-10-17","Statement":[]}`)), aFile, nil)
		}, invalidPolicyDoc("Invalid Policy: Unexpected: 'statement'")},
		{"NoFile_IsInvalidArgumentFileCount", func(t *testing.T) *http.Request {
			return postBody(t, v4Fields("user/a", good), nil, nil)
		}, wantErr{400, "InvalidArgument", "POST requires exactly one file upload per request.",
			[]string{"ArgumentName", "file", "ArgumentValue", "0"}}},
		{"SignatureCheckedBeforePolicyExpiry", func(t *testing.T) *http.Request {
			old := policyB64("2020-01-01T00:00:00Z", v4Conds(testAKID)...)
			return postBody(t, replace(v4Fields("user/a", old), "X-Amz-Signature", strings.Repeat("0", 64)), aFile, nil)
		}, wantErr{403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			[]string{"AWSAccessKeyId", testAKID, "StringToSign", policyB64("2020-01-01T00:00:00Z", v4Conds(testAKID)...),
				"SignatureProvided", strings.Repeat("0", 64), "StringToSignBytes", hexBytes(policyB64("2020-01-01T00:00:00Z", v4Conds(testAKID)...))}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newPostVerifier(s3test.NewClock(testNow))
			up, err := v.ReadPost(tc.req(t), testBucket)
			require.Nil(t, up)
			requireS3Error(t, err, tc.want)
		})
	}
}

func TestReadPost_PolicyExpiry_UsesVerifierClock(t *testing.T) {
	for _, exp := range []string{"2026-11-26T23:00:00.000Z", "2026-11-26T23:00:00Z"} {
		t.Run(exp, func(t *testing.T) {
			clock := s3test.NewClock(testNow)
			v := newPostVerifier(clock)
			pol := policyB64(exp, append(v4Conds(testAKID), `{"key":"user/a"}`)...)
			_, err := v.ReadPost(postBody(t, v4Fields("user/a", pol), aFile, nil), testBucket)
			require.NoError(t, err, "valid until %s", exp)

			clock.Advance(time.Hour) // exactly at expiration: still valid
			_, err = v.ReadPost(postBody(t, v4Fields("user/a", pol), aFile, nil), testBucket)
			require.NoError(t, err)

			clock.Advance(time.Second)
			_, err = v.ReadPost(postBody(t, v4Fields("user/a", pol), aFile, nil), testBucket)
			requireS3Error(t, err, wantErr{403, "AccessDenied", "Invalid according to Policy: Policy expired.", nil})
		})
	}
}

func TestReadPost_AcceptsSignedForms(t *testing.T) {
	type result struct {
		key, filename, content string
		auth                   verifier.AuthType
		fields                 map[string]string
	}
	cases := []struct {
		name   string
		fields []kv
		file   *s3test.File
		after  []kv
		want   result
	}{
		{"SigV4_MinimalForm",
			v4Fields("user/a", keyedPolicy()), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post}},
		{"SigV2_ExemptsAccessKeyAndSignature",
			v2Fields("user/a", policyB64(testExpiration, `{"bucket":"photos"}`, `["starts-with","$key","user/"]`)), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV2Post}},
		{"FilenameIsExpandedInKeyBeforeMatching",
			v4Fields("user/${filename}", keyedPolicy(`["starts-with","$key","user/cat"]`)), aFile, nil,
			result{key: "user/cat.png", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post}},
		{"FilePartWithoutFilename_KeepsLiteralPlaceholder",
			v4Fields("user/${filename}", keyedPolicy(`{"key":"user/${filename}"}`)), &s3test.File{NoFilename: true, Content: "plain"}, nil,
			result{key: "user/${filename}", content: "plain", auth: verifier.AuthSigV4Post}},
		{"FieldNamesAreCaseInsensitive",
			replaceNames(v4Fields("user/a", keyedPolicy(`["starts-with","$success_Action_REDIRECT","http://localhost"]`, `{"x-amz-meta-test-2":"v"}`),
				kv{"success_action_redirect", "http://localhost/done"}, kv{"x-amz-meta-TEST-2", "v"}),
				map[string]string{"key": "kEy", "Policy": "POLICY", "X-Amz-Credential": "x-amz-credential"}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post,
				fields: map[string]string{"success_action_redirect": "http://localhost/done", "x-amz-meta-test-2": "v"}}},
		{"RepeatedFieldsAreJoinedByComma",
			v4Fields("user/a", keyedPolicy(`{"x-amz-meta-tag":"a,b"}`), kv{"x-amz-meta-tag", "a"}, kv{"x-amz-meta-tag", "b"}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post,
				fields: map[string]string{"x-amz-meta-tag": "a,b"}}},
		{"PolicyEscapesDollarAndControlCharacters",
			v4Fields("user/a", keyedPolicy(`{"x-amz-meta-price":"\$5\t\v\u00e9\\"}`), kv{"x-amz-meta-price", "$5\t\v\u00e9\\"}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post,
				fields: map[string]string{"x-amz-meta-price": "$5\t\v\u00e9\\"}}},
		{"ContentTypeListWhereEveryEntryMatches_PassesStartsWith",
			v4Fields("user/a", keyedPolicy(`["starts-with","$Content-Type","image/"]`), kv{"Content-Type", "image/jpg,image/png"}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post,
				fields: map[string]string{"content-type": "image/jpg,image/png"}}},
		{"XIgnoreFieldsNeedNoCondition",
			v4Fields("user/a", keyedPolicy(), kv{"x-ignore-tracking", "1"}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post}},
		{"FieldsAfterFileAreIgnored",
			v4Fields("user/a", keyedPolicy()), aFile, []kv{{"acl", "public-read"}, {"x-amz-meta-late", "1"}},
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post}},
		{"PreDataAtTheLimitIsAccepted",
			v4Fields("user/a", keyedPolicy(), kv{"x-ignore-pad", strings.Repeat("p", 20480-preDataOf(t, v4Fields("user/a", keyedPolicy(), kv{"x-ignore-pad", ""})))}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post}},
		{"SessionTokenCoveredAndSent",
			tempV4Fields("user/a", tempPolicy(`{"x-amz-security-token":"`+tempToken+`"}`), kv{"x-amz-security-token", tempToken}), aFile, nil,
			result{key: "user/a", filename: "cat.png", content: "meow", auth: verifier.AuthSigV4Post}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newPostVerifier(s3test.NewClock(testNow))
			up, err := v.ReadPost(postBody(t, tc.fields, tc.file, tc.after), testBucket)
			require.NoError(t, err)
			assert.Equal(t, tc.want.key, up.Key)
			assert.Equal(t, tc.want.filename, up.Filename)
			assert.Equal(t, tc.want.auth, up.Identity.Auth)
			assert.True(t, up.Allowed("s3:PutObject", testBucket, up.Key))
			for name, val := range tc.want.fields {
				assert.Equal(t, val, up.Fields.Get(name), name)
			}
			assert.False(t, up.Fields.Has("file"))
			assert.False(t, up.Fields.Has("acl"), "fields after the file part must not be read")
			body, err := io.ReadAll(up.File)
			require.NoError(t, err)
			assert.Equal(t, tc.want.content, string(body))
		})
	}
}

func TestReadPost_SessionTokenRules(t *testing.T) {
	tokCond := `{"x-amz-security-token":"` + tempToken + `"}`
	cases := []struct {
		name    string
		fields  []kv
		advance time.Duration
		want    wantErr
	}{
		{"TemporaryKeyWithoutToken_IsInvalidAccessKeyId", tempV4Fields("user/a", tempPolicy()), 0,
			wantErr{403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", []string{"AWSAccessKeyId", tempAKID}}},
		{"TemporaryKeyWithoutToken_AndBadSignature_IsInvalidAccessKeyId",
			replace(tempV4Fields("user/a", tempPolicy()), "X-Amz-Signature", strings.Repeat("0", 64)), 0,
			wantErr{403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", []string{"AWSAccessKeyId", tempAKID}}},
		{"TokenAtItsExpiryInstant_IsExpiredToken", tempV4Fields("user/a", tempPolicy(tokCond), kv{"x-amz-security-token", tempToken}), time.Hour,
			wantErr{400, "ExpiredToken", "The provided token has expired.", []string{"Token-0", tempToken}}},
		{"WrongToken_IsInvalidToken", tempV4Fields("user/a", tempPolicy(tokCond), kv{"x-amz-security-token", "bogus"}), 0,
			wantErr{400, "InvalidToken", "The provided token is malformed or otherwise invalid.", []string{"Token-0", "bogus"}}},
		{"ExpiredToken_IsExpiredToken", tempV4Fields("user/a", tempPolicy(tokCond), kv{"x-amz-security-token", tempToken}), 2 * time.Hour,
			wantErr{400, "ExpiredToken", "The provided token has expired.", []string{"Token-0", tempToken}}},
		{"TokenNotInPolicy_IsExtraInputField", tempV4Fields("user/a", tempPolicy(), kv{"x-amz-security-token", tempToken}), 0,
			extraInput("x-amz-security-token")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := s3test.NewClock(testNow)
			clock.Advance(tc.advance)
			v := newPostVerifier(clock)
			_, err := v.ReadPost(postBody(t, tc.fields, aFile, nil), testBucket)
			requireS3Error(t, err, tc.want)
		})
	}
}

func TestReadPost_ContentLengthRange_IsEnforcedWhileStreaming(t *testing.T) {
	cases := []struct {
		name, rng, content string
		want               *wantErr
	}{
		{"AtMaximum_IsAccepted", `["content-length-range",1,4]`, "abcd", nil},
		{"AtMinimum_IsAccepted", `["content-length-range",4,10]`, "abcd", nil},
		{"NumericStrings_AreAccepted", `["content-length-range","1","4"]`, "abcd", nil},
		{"OverMaximum_IsEntityTooLarge", `["content-length-range",1,3]`, "abcd",
			&wantErr{400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", []string{"ProposedSize", "4", "MaxSizeAllowed", "3"}}},
		{"FarOverMaximum_ReportsWholeSize", `["content-length-range",0,10]`, strings.Repeat("x", 100000),
			&wantErr{400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", []string{"ProposedSize", "100000", "MaxSizeAllowed", "10"}}},
		{"UnderMinimum_IsEntityTooSmall", `["content-length-range",5,10]`, "abcd",
			&wantErr{400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", []string{"ProposedSize", "4", "MinSizeAllowed", "5"}}},
		{"EmptyFileUnderMinimum_IsEntityTooSmall", `["content-length-range",1,10]`, "",
			&wantErr{400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", []string{"ProposedSize", "0", "MinSizeAllowed", "1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newPostVerifier(s3test.NewClock(testNow))
			up, err := v.ReadPost(postBody(t, v4Fields("user/a", keyedPolicy(tc.rng)), &s3test.File{Filename: "f", ContentType: "application/octet-stream", Content: tc.content}, nil), testBucket)
			require.NoError(t, err, "the size is only known while the file streams")
			got, err := io.ReadAll(up.File)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.content, string(got))
				return
			}
			requireS3Error(t, err, *tc.want)
			_, again := up.File.Read(make([]byte, 1))
			assert.Equal(t, err, again, "the error is sticky")
		})
	}
}

func TestReadPost_SignatureMismatch_DiagnosisExplainsWhatWasSigned(t *testing.T) {
	good := keyedPolicy()
	v := newPostVerifier(s3test.NewClock(testNow))
	_, err := v.ReadPost(postBody(t, replace(v4Fields("user/a", good), "Policy", good[:len(good)-3]), aFile, nil), testBucket)
	e, ok := s3err.As(err)
	require.True(t, ok)
	assert.Contains(t, e.Diagnosis, "HMAC-SHA256 of the policy field")
	assert.Contains(t, e.Diagnosis, testDay+"/"+testRegion+"/s3")
	assert.Contains(t, e.Diagnosis, "not valid base64", "a truncated policy is named as such")
	assert.Contains(t, e.Diagnosis, "modified after signing")
}

func TestReadPost_SigV2InSigV4OnlyRegion_IsInvalidRequest(t *testing.T) {
	v := verifier.New(verifier.Config{Region: "eu-central-1", Clock: s3test.NewClock(testNow),
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: testAKID, SecretAccessKey: testSecret})})
	pol := policyB64(testExpiration, `{"bucket":"photos"}`, `{"key":"user/a"}`)
	_, err := v.ReadPost(postBody(t, v2Fields("user/a", pol), aFile, nil), testBucket)
	requireS3Error(t, err, wantErr{400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.", nil})
}

func TestReadPost_TruncatedFilePart_IsMalformedPOSTRequestAtRead(t *testing.T) {
	r := postBody(t, v4Fields("user/a", keyedPolicy()), &s3test.File{Filename: "f", ContentType: "application/octet-stream", Content: strings.Repeat("z", 5000)}, nil)
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	r.Body = io.NopCloser(strings.NewReader(string(b[:len(b)-2000])))
	up, err := newPostVerifier(s3test.NewClock(testNow)).ReadPost(r, testBucket)
	require.NoError(t, err, "the form is complete up to the file part")
	_, err = io.ReadAll(up.File)
	requireS3Error(t, err, wantErr{400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", nil})
}

func TestReadPost_SignedForAnotherDay_DiagnosisNamesTheDay(t *testing.T) {
	good := keyedPolicy()
	v := newPostVerifier(s3test.NewClock(testNow))
	_, err := v.ReadPost(postBody(t, replace(v4Fields("user/a", good), "X-Amz-Signature",
		s3test.SignV4Policy(testSecret, "20261125", testRegion, good)), aFile, nil), testBucket)
	e, ok := s3err.As(err)
	require.True(t, ok)
	assert.Equal(t, s3err.SignatureDoesNotMatch, e.Code)
	assert.Contains(t, e.Diagnosis, "matches a key derived for day 20261125")
}
