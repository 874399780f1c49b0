package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

const otherAccount = "444455556666"

var otherKey = verifier.Credential{AccessKeyID: "AKIAOTHERACCOUNT", SecretAccessKey: "other-secret", Account: otherAccount}

// twoAccounts is a server with the default account's key (ts.Client) and
// a key of another account (the returned client).
func twoAccounts(t *testing.T, opts ...TestOption) (*TestServer, *s3.Client) {
	t.Helper()
	owner := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	ts := NewTestServer(t, append(opts, WithCredentials(owner, otherKey))...)
	return ts, clientFor(ts, otherKey)
}

func clientFor(ts *TestServer, cred verifier.Credential) *s3.Client {
	return s3.New(ts.Client.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, "")
	})
}

func putPolicy(t *testing.T, c *s3.Client, bucket, policy string) error {
	t.Helper()
	_, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
	return err
}

func allowPublicPolicies(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	_, err := c.DeletePublicAccessBlock(context.Background(), &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
}

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`

func anonymous(t *testing.T, ts *TestServer, method, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(""))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, ts, req)
}

func TestAccounts_BucketNamespaceIsShared_OtherAccountGetsBucketAlreadyExists(t *testing.T) {
	ts, other := twoAccounts(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "shared-name")

	_, err := other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared-name")})
	apiErr(t, err, "BucketAlreadyExists", http.StatusConflict)
	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared-name")})
	assert.NoError(t, err, "in us-east-1 the owner re-creating its bucket succeeds")

	s3test.MustCreateBucket(t, other, "others-bucket")
	mine, err := ts.Client.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	theirs, err := other.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, mine.Buckets, 1)
	assert.Equal(t, "shared-name", *mine.Buckets[0].Name)
	require.Len(t, theirs.Buckets, 1)
	assert.Equal(t, "others-bucket", *theirs.Buckets[0].Name)
	assert.Equal(t, theOwner.ID, *mine.Owner.ID)
	assert.Equal(t, ownerOf(otherAccount).ID, *theirs.Owner.ID)
	assert.NotEqual(t, *mine.Owner.ID, *theirs.Owner.ID)
	assert.Len(t, *theirs.Owner.ID, 64, "a canonical user id is 64 hex digits")

	s3test.MustPutObject(t, other, "others-bucket", "k", "v")
	list, err := other.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("others-bucket"), FetchOwner: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, list.Contents, 1)
	assert.Equal(t, ownerOf(otherAccount).ID, *list.Contents[0].Owner.ID, "objects show the bucket owner")
}

func TestAccounts_OtherAccountsBucket_DeniedUntilBucketPolicyAllows(t *testing.T) {
	ts, other := twoAccounts(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustPutObject(t, ts.Client, "site", "a.txt", "owner's")

	_, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("a.txt")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), "bucket site belongs to account 123456789012")

	s3test.MustCreateBucket(t, other, "mine")
	_, err = other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("mine"), Key: aws.String("copy"), CopySource: aws.String("site/a.txt")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)

	require.NoError(t, putPolicy(t, ts.Client, "site", `{"Version":"2012-10-17","Statement":[
		{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+otherAccount+`:root"},"Action":["s3:GetObject","s3:ListBucket","s3:GetBucketPolicy"],"Resource":["arn:aws:s3:::site","arn:aws:s3:::site/*"]},
		{"Sid":"PartnerUpload","Effect":"Allow","Principal":{"AWS":"`+otherAccount+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::site/inbox/*",
		 "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`))
	assert.Equal(t, "owner's", s3test.MustGetBody(t, other, "site", "a.txt"))
	_, err = other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("mine"), Key: aws.String("copy"), CopySource: aws.String("site/a.txt")})
	require.NoError(t, err)

	_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("inbox/x"), Body: strings.NewReader("x")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), `statements "PartnerRead", "PartnerUpload" name this principal but none allows s3:PutObject`)
	_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("inbox/x"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLBucketOwnerFullControl})
	require.NoError(t, err, "the cross-account upload with bucket-owner-full-control is allowed")
	assert.Equal(t, "x", s3test.MustGetBody(t, ts.Client, "site", "inbox/x"))
	_, err = other.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("site"), Key: aws.String("a.txt")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)

	// Only the owner's account may read or change the policy itself, even
	// when the policy allows another account to (S3's documented 405).
	_, err = other.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("site")})
	apiErr(t, err, "MethodNotAllowed", http.StatusMethodNotAllowed)
}

func TestAccounts_CrossAccountNeedsTheKeysIdentityPolicyToo(t *testing.T) {
	limited := verifier.Credential{AccessKeyID: "AKIAOTHERLIMITED", SecretAccessKey: "s", Account: otherAccount,
		Allow: func(action, bucket, key string) bool { return action == "s3:ListBucket" }}
	owner := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	ts := NewTestServer(t, WithCredentials(owner, limited))
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustPutObject(t, ts.Client, "site", "a.txt", "x")
	require.NoError(t, putPolicy(t, ts.Client, "site", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+otherAccount+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`))

	_, err := clientFor(ts, limited).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("a.txt")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), "its identity policy does not allow it")
}

func TestAccounts_SameAccountKeyAllowedByBucketPolicyNamingIt_ExplicitIdentityDenyWins(t *testing.T) {
	reader := verifier.Credential{AccessKeyID: "AKIASAMEREADER", SecretAccessKey: "s",
		Allow: func(string, string, string) bool { return false }}
	denied := verifier.Credential{AccessKeyID: "AKIASAMEDENIED", SecretAccessKey: "s",
		Allow: func(string, string, string) bool { return false }, Denies: func(string, string, string) bool { return true }}
	owner := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	ts := NewTestServer(t, WithCredentials(owner, reader, denied))
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustPutObject(t, ts.Client, "site", "a.txt", "x")
	require.NoError(t, putPolicy(t, ts.Client, "site", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":[
		"arn:aws:iam::123456789012:user/AKIASAMEREADER","arn:aws:iam::123456789012:user/AKIASAMEDENIED"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`))

	assert.Equal(t, "x", s3test.MustGetBody(t, clientFor(ts, reader), "site", "a.txt"), "a bucket policy naming a same-account key allows on its own")
	_, err := clientFor(ts, denied).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("a.txt")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), "its identity policy explicitly denies s3:GetObject")
}

func TestPublicRead_NewBucketBlocksPublicPolicy_ThenAnonymousGetWorks(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustPutObject(t, ts.Client, "site", "index.html", "<h1>hi</h1>")

	pab, err := ts.Client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	c := pab.PublicAccessBlockConfiguration
	assert.True(t, *c.BlockPublicAcls && *c.IgnorePublicAcls && *c.BlockPublicPolicy && *c.RestrictPublicBuckets, "new buckets block all public access, as on S3 since 2023")

	err = putPolicy(t, ts.Client, "site", publicReadPolicy)
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, `User: arn:aws:iam::123456789012:user/AKIAIOSFODNN7EXAMPLE is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::site" because public policies are blocked by the BlockPublicPolicy block public access setting.`, ae.ErrorMessage())
	_, err = ts.Client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("site")})
	apiErr(t, err, "NoSuchBucketPolicy", http.StatusNotFound)

	resp, body := anonymous(t, ts, http.MethodGet, ts.URL+"/site/index.html", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "AccessDenied", parseError(t, body).Code)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), "bucket site has no bucket policy")

	allowPublicPolicies(t, ts.Client, "site")
	_, err = ts.Client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("site")})
	apiErr(t, err, "NoSuchPublicAccessBlockConfiguration", http.StatusNotFound)
	require.NoError(t, putPolicy(t, ts.Client, "site", publicReadPolicy))

	got, err := ts.Client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.JSONEq(t, publicReadPolicy, *got.Policy)
	st, err := ts.Client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.True(t, *st.PolicyStatus.IsPublic)

	resp, body = anonymous(t, ts, http.MethodGet, ts.URL+"/site/index.html", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "<h1>hi</h1>", string(body))
	resp, _ = anonymous(t, ts, http.MethodHead, ts.URL+"/site/index.html", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "HEAD is s3:GetObject too")

	// Virtual-hosted, as a browser loads it.
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/index.html", nil)
	require.NoError(t, err)
	_, port, err := net.SplitHostPort(ts.Host())
	require.NoError(t, err)
	req.Host = "site.localhost:" + port
	resp, body = do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))

	resp, body = anonymous(t, ts, http.MethodPut, ts.URL+"/site/defaced.html", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), `statement "PublicRead" names this principal but does not allow s3:PutObject`)
	assert.Equal(t, "AccessDenied", parseError(t, body).Code)
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/site", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "listing is not granted")

	_, err = ts.Client.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/site/index.html", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "deleting the policy makes the bucket private again")
	_, err = ts.Client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("site")})
	apiErr(t, err, "NoSuchBucketPolicy", http.StatusNotFound)
}

func TestPublicRead_DenyStatementAndRestrictPublicBuckets_NameWhatDecided(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustPutObject(t, ts.Client, "site", "private/x", "secret")
	s3test.MustPutObject(t, ts.Client, "site", "public/x", "hello")
	allowPublicPolicies(t, ts.Client, "site")
	require.NoError(t, putPolicy(t, ts.Client, "site", `{"Version":"2012-10-17","Statement":[
		{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"},
		{"Sid":"KeepPrivatePrivate","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/private/*"},
		{"Sid":"TLSOnlyUploads","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::site/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`))

	resp, _ := anonymous(t, ts, http.MethodGet, ts.URL+"/site/private/x", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), `statement "KeepPrivatePrivate" of the bucket policy of site explicitly denies s3:GetObject`)
	_, err := ts.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("private/x")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	_, err = ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("k"), Body: strings.NewReader("x")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), `"TLSOnlyUploads"`, "the owner too is denied uploads over plain HTTP")

	_, err = ts.Client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("site"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/site/public/x", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), "RestrictPublicBuckets is on")
	assert.Equal(t, "hello", s3test.MustGetBody(t, ts.Client, "site", "public/x"), "the owner's account is not restricted")
}

func TestPutBucketPolicy_MalformedPolicy_StoresNothing(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "site")
	tests := []struct{ policy, message string }{
		{`not json`, "Policies must be valid JSON and the first byte must be '{'"},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`, "Missing required field Principal"},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ReadObject","Resource":"arn:aws:s3:::site/*"}]}`, "Policy has invalid action"},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::elsewhere/*"}]}`, "Policy has invalid resource"},
	}
	for _, tt := range tests {
		err := putPolicy(t, ts.Client, "site", tt.policy)
		apiErr(t, err, "MalformedPolicy", http.StatusBadRequest)
		var ae smithy.APIError
		require.True(t, errors.As(err, &ae))
		assert.Equal(t, tt.message, ae.ErrorMessage())
	}
	_, err := ts.Client.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("site")})
	apiErr(t, err, "NoSuchBucketPolicy", http.StatusNotFound)
}

func TestAccountPublicAccessBlock_OptionBlocksPublicPolicyOnEveryBucket(t *testing.T) {
	ts := NewTestServer(t, WithAccountPublicAccessBlock(PublicAccessBlock{BlockPublicPolicy: true}))
	s3test.MustCreateBucket(t, ts.Client, "site")
	allowPublicPolicies(t, ts.Client, "site")
	apiErr(t, putPolicy(t, ts.Client, "site", publicReadPolicy), "AccessDenied", http.StatusForbidden)
	require.NoError(t, putPolicy(t, ts.Client, "site", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+otherAccount+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`),
		"a policy that is not public is not blocked")
}

// diagnosisOf is the X-Stricts3-Diagnosis header of an SDK error.
func diagnosisOf(t *testing.T, err error) string {
	t.Helper()
	var re *smithyhttp.ResponseError
	require.True(t, errors.As(err, &re), "no HTTP response: %v", err)
	return re.Response.Header.Get(s3err.DiagnosisHeader)
}

// A policy denying everything to everyone still lets the owner account's
// root (a key without a policy) read, replace and delete it, as S3
// documents; a restricted key of the same account stays locked out, and
// so do other operations.
func TestBucketPolicy_DenyAllCannotLockOutTheOwnersRoot(t *testing.T) {
	admin := verifier.Credential{AccessKeyID: "AKIASAMEADMIN", SecretAccessKey: "s",
		Allow: func(string, string, string) bool { return true }}
	owner := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	ts := NewTestServer(t, WithCredentials(owner, admin))
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "locked")
	require.NoError(t, putPolicy(t, ts.Client, "locked", `{"Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"]}]}`))

	_, err := ts.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("locked")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	_, err = clientFor(ts, admin).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("locked")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)

	_, err = ts.Client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("locked")})
	require.NoError(t, err)
	_, err = ts.Client.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("locked")})
	require.NoError(t, err)
	_, err = ts.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("locked")})
	require.NoError(t, err, "with the policy gone the bucket is usable again")
}

// Two accounts racing to create the same names: for each name exactly one
// wins, the other is BucketAlreadyExists, and the winner is the owner
// every later request sees.
func TestAccounts_ConcurrentCreateBucket_ExactlyOneAccountOwnsEachName(t *testing.T) {
	ts, other := twoAccounts(t)
	ctx := context.Background()
	for i := range 20 {
		name := fmt.Sprintf("race-%d", i)
		errs := make(chan error, 2)
		won := make(chan *s3.Client, 2)
		for _, c := range []*s3.Client{ts.Client, other} {
			go func() {
				_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
				if err == nil {
					won <- c
				}
				errs <- err
			}()
		}
		var failures []error
		for range 2 {
			if err := <-errs; err != nil {
				failures = append(failures, err)
			}
		}
		require.Len(t, failures, 1, name)
		apiErr(t, failures[0], "BucketAlreadyExists", http.StatusConflict)
		winner := <-won
		loser := other
		if winner == other {
			loser = ts.Client
		}
		_, err := winner.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
		require.NoError(t, err, name)
		_, err = loser.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
		require.Error(t, err, "%s: the loser's account does not own it", name)
	}
}
