package access_test

import (
	"fmt"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/verifier"
)

// A key that may read the photos bucket and upload under uploads/ only, as
// an IAM policy would say it. Its Allow method is what
// verifier.Credential.Allow expects.
func ExamplePolicy_Allow() {
	policy := access.Policy{
		{Effect: access.Allow, Actions: []string{"s3:GetObject", "s3:ListBucket"},
			Resources: []string{"arn:aws:s3:::photos", "arn:aws:s3:::photos/*"}},
		{Effect: access.Allow, Actions: []string{"s3:PutObject"},
			Resources: []string{"arn:aws:s3:::photos/uploads/*"}},
		{Effect: access.Deny, Actions: []string{"s3:*"},
			Resources: []string{"arn:aws:s3:::photos/private/*"}},
	}
	if err := policy.Validate(); err != nil {
		panic(err)
	}
	cred := verifier.Credential{AccessKeyID: "AKIAUPLOADER", SecretAccessKey: "uploader-secret", Allow: policy.Allow}

	fmt.Println(cred.Allow("s3:ListBucket", "photos", ""))
	fmt.Println(cred.Allow("s3:PutObject", "photos", "uploads/cat.png"))
	fmt.Println(cred.Allow("s3:PutObject", "photos", "cat.png"))
	fmt.Println(cred.Allow("s3:GetObject", "photos", "private/diary.txt"))
	// Output:
	// true
	// true
	// false
	// false
}

// A public-read bucket policy: anyone may read objects, nobody but the
// owner's account may read private/, and the deciding statement is named.
func ExampleBucketPolicy_Evaluate() {
	policy, err := access.ParseBucketPolicy([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
	     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"},
	    {"Sid": "KeepPrivate", "Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"},
	     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/private/*"}
	  ]}`), "site")
	if err != nil {
		panic(err)
	}
	anonymous := access.Principal{Anonymous: true}
	for _, key := range []string{"index.html", "private/notes.txt"} {
		d := policy.Evaluate(access.Request{Principal: anonymous, Action: "s3:GetObject", Bucket: "site", Key: key})
		fmt.Println(key, d.Effect, d.Statement)
	}
	_, err = access.ParseBucketPolicy([]byte(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::elsewhere/*"}]}`), "site")
	fmt.Println(err.(*access.MalformedPolicyError).Message)
	// Output:
	// index.html Allow PublicRead
	// private/notes.txt Deny KeepPrivate
	// Policy has invalid resource
}
