package s3test

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
)

// SignV4Policy is the X-Amz-Signature of a SigV4 POST form: the base64
// policy signed with the s3 signing key of secret for day (YYYYMMDD) and
// region. Computed here from the published algorithm, independently of
// the verifier, so a test that uses it checks the verifier rather than
// itself.
func SignV4Policy(secret, day, region, policy string) string {
	k := hmacSum(sha256.New, []byte("AWS4"+secret), day)
	k = hmacSum(sha256.New, k, region)
	k = hmacSum(sha256.New, k, "s3")
	k = hmacSum(sha256.New, k, "aws4_request")
	return hex.EncodeToString(hmacSum(sha256.New, k, policy))
}

// SignV2Policy is the Signature of a SigV2 POST form: base64 HMAC-SHA1 of
// the base64 policy with secret.
func SignV2Policy(secret, policy string) string {
	return base64.StdEncoding.EncodeToString(hmacSum(sha1.New, []byte(secret), policy))
}

func hmacSum(h func() hash.Hash, key []byte, data string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
