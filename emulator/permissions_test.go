package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

// The permission tests pin S3's request-time authorization: a pre-signed URL
// or POST form carries no permission of its own; S3 checks the signer's
// permissions when it is used.

const permBucket = "perm"

var permOwner = verifier.Credential{AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey}

// permServer starts a server whose first key is the owner (full access,
// the one ts.Client signs with) followed by others, and creates permBucket.
func permServer(t *testing.T, others ...verifier.Credential) *emulator.TestServer {
	t.Helper()
	ts := emulator.NewTestServer(t, emulator.WithCredentials(append([]verifier.Credential{permOwner}, others...)...))
	s3test.MustCreateBucket(t, ts.Client, permBucket)
	return ts
}

// signerFor pre-signs as cred, at the server's clock.
func signerFor(ts *emulator.TestServer, cred verifier.Credential) *presign.Signer {
	client := s3.New(ts.Client.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, cred.SessionToken)
	})
	return presign.New(client, presign.WithSigningTime(ts.Clock.Now()))
}

// sendPresigned sends a pre-signed request with body.
func sendPresigned(t *testing.T, ts *emulator.TestServer, pr *presign.Request, body string) auditResp {
	t.Helper()
	req, err := http.NewRequest(pr.Method, pr.URL, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range pr.Header {
		req.Header[k] = v
	}
	return auditSend(t, ts, req)
}

func requireNoObject(t *testing.T, ts *emulator.TestServer, key string) {
	t.Helper()
	_, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(permBucket), Key: aws.String(key)})
	var notFound *types.NotFound
	require.ErrorAs(t, err, &notFound, "a refused write must store nothing")
}

var readOnlyPolicy = access.Policy{{
	Effect:    access.Allow,
	Actions:   []string{"s3:GetObject", "s3:ListBucket"},
	Resources: []string{"arn:aws:s3:::" + permBucket, "arn:aws:s3:::" + permBucket + "/*"},
}}

func TestPermissions_ReadOnlyKeysPresignedPut_IsAccessDeniedAndStoresNothing(t *testing.T) {
	reader := verifier.Credential{AccessKeyID: "AKIAREADONLYEXAMPLE", SecretAccessKey: "reader-secret", Allow: readOnlyPolicy.Allow}
	ts := permServer(t, reader)
	ctx := context.Background()
	s3test.MustPutObject(t, ts.Client, permBucket, "existing.txt", "owner wrote this")
	signer := signerFor(ts, reader)

	put, err := signer.PutObject(ctx, permBucket, "new.txt", 15*time.Minute, presign.PutOptions{})
	require.NoError(t, err)
	resp := sendPresigned(t, ts, put, "reader tries to write")
	assert.Equal(t, wireError{"AccessDenied", "Access Denied", nil}, requireS3Error(t, resp, http.StatusForbidden),
		"a valid signature by a key without s3:PutObject is refused when used")
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), "AKIAREADONLYEXAMPLE is not allowed s3:PutObject on arn:aws:s3:::perm/new.txt")
	requireNoObject(t, ts, "new.txt")

	overwrite, err := signer.PutObject(ctx, permBucket, "existing.txt", 15*time.Minute, presign.PutOptions{})
	require.NoError(t, err)
	requireS3Error(t, sendPresigned(t, ts, overwrite, "clobber"), http.StatusForbidden)
	assert.Equal(t, "owner wrote this", s3test.MustGetBody(t, ts.Client, permBucket, "existing.txt"), "the previous object is intact")

	get, err := signer.GetObject(ctx, permBucket, "existing.txt", 15*time.Minute)
	require.NoError(t, err)
	resp = sendPresigned(t, ts, get, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
	assert.Equal(t, "owner wrote this", string(resp.Body))

	list, err := signer.ListObjectsV2(ctx, permBucket, 15*time.Minute)
	require.NoError(t, err)
	resp = sendPresigned(t, ts, list, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
	assert.Contains(t, string(resp.Body), "<Key>existing.txt</Key>")

	del, err := signer.DeleteObject(ctx, permBucket, "existing.txt", 15*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, wireError{"AccessDenied", "Access Denied", nil}, requireS3Error(t, sendPresigned(t, ts, del, ""), http.StatusForbidden))
	assert.Equal(t, "owner wrote this", s3test.MustGetBody(t, ts.Client, permBucket, "existing.txt"))
}

func TestPermissions_KeyLimitedToPrefix_PutsThereAndNowhereElse(t *testing.T) {
	uploader := verifier.Credential{AccessKeyID: "AKIAUPLOADSEXAMPLE", SecretAccessKey: "uploader-secret", Allow: access.Policy{{
		Effect: access.Allow, Actions: []string{"s3:PutObject"}, Resources: []string{"arn:aws:s3:::" + permBucket + "/uploads/*"},
	}}.Allow}
	ts := permServer(t, uploader)
	ctx := context.Background()
	signer := signerFor(ts, uploader)

	for _, key := range []string{"uploads/a.txt", "uploads/2026/11/b.txt"} {
		put, err := signer.PutObject(ctx, permBucket, key, time.Hour, presign.PutOptions{})
		require.NoError(t, err)
		resp := sendPresigned(t, ts, put, "inside "+key)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
		assert.Equal(t, "inside "+key, s3test.MustGetBody(t, ts.Client, permBucket, key))
	}
	for _, key := range []string{"a.txt", "uploads", "Uploads/a.txt", "private/uploads/a.txt"} {
		t.Run(key, func(t *testing.T) {
			put, err := signer.PutObject(ctx, permBucket, key, time.Hour, presign.PutOptions{})
			require.NoError(t, err)
			assert.Equal(t, wireError{"AccessDenied", "Access Denied", nil}, requireS3Error(t, sendPresigned(t, ts, put, "outside"), http.StatusForbidden))
			requireNoObject(t, ts, key)
		})
	}

	// The same key may not read back what it wrote: no s3:GetObject.
	get, err := signer.GetObject(ctx, permBucket, "uploads/a.txt", time.Hour)
	require.NoError(t, err)
	requireS3Error(t, sendPresigned(t, ts, get, ""), http.StatusForbidden)
}

func TestPermissions_PostFormSignedByKeyWithoutPutObject_IsAccessDenied(t *testing.T) {
	reader := verifier.Credential{AccessKeyID: "AKIAREADONLYEXAMPLE", SecretAccessKey: "reader-secret", Allow: readOnlyPolicy.Allow}
	ts := permServer(t, reader)
	form, err := signerFor(ts, reader).PresignPost(context.Background(), permBucket, "form.png", time.Hour)
	require.NoError(t, err)

	body, contentType := s3test.PostForm(t, s3test.FieldsOf(form.Fields...),
		&s3test.File{Filename: "form.png", ContentType: "image/png", Content: "png bytes"})
	req, err := http.NewRequest(http.MethodPost, form.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	resp := auditSend(t, ts, req)
	assert.Equal(t, wireError{"AccessDenied", "Access Denied", nil}, requireS3Error(t, resp, http.StatusForbidden))
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), "s3:PutObject")
	requireNoObject(t, ts, "form.png")

	// The owner's form for the same key goes through.
	form, err = signerFor(ts, permOwner).PresignPost(context.Background(), permBucket, "form.png", time.Hour)
	require.NoError(t, err)
	body, contentType = s3test.PostForm(t, s3test.FieldsOf(form.Fields...),
		&s3test.File{Filename: "form.png", ContentType: "image/png", Content: "png bytes"})
	req, err = http.NewRequest(http.MethodPost, form.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	assert.Equal(t, http.StatusNoContent, auditSend(t, ts, req).StatusCode)
}

func TestPermissions_ExplicitDenyWinsOverBroadAllow(t *testing.T) {
	cleaner := verifier.Credential{AccessKeyID: "AKIACLEANEREXAMPLE", SecretAccessKey: "cleaner-secret", Allow: access.Policy{
		{Effect: access.Allow, Actions: []string{"s3:*"}, Resources: []string{"*"}},
		{Effect: access.Deny, Actions: []string{"s3:DeleteObject"}, Resources: []string{"arn:aws:s3:::" + permBucket + "/keep/*"}},
	}.Allow}
	ts := permServer(t, cleaner)
	s3test.MustPutObject(t, ts.Client, permBucket, "keep/a", "kept")
	s3test.MustPutObject(t, ts.Client, permBucket, "tmp/b", "gone")
	client := s3.New(ts.Client.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(cleaner.AccessKeyID, cleaner.SecretAccessKey, "")
	})

	out, err := client.DeleteObjects(context.Background(), &s3.DeleteObjectsInput{Bucket: aws.String(permBucket),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("keep/a")}, {Key: aws.String("tmp/b")}}}})
	require.NoError(t, err)
	require.Len(t, out.Errors, 1)
	assert.Equal(t, "keep/a", aws.ToString(out.Errors[0].Key))
	assert.Equal(t, "AccessDenied", aws.ToString(out.Errors[0].Code))
	require.Len(t, out.Deleted, 1)
	assert.Equal(t, "tmp/b", aws.ToString(out.Deleted[0].Key))
	assert.Equal(t, "kept", s3test.MustGetBody(t, ts.Client, permBucket, "keep/a"))
}

// recorder is an Allow func that allows everything and remembers what it
// was asked, as IAM action and resource ARN.
type recorder struct {
	mu    sync.Mutex
	asked []string
}

func (r *recorder) allow(action, bucket, key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, action+" "+access.ARN(bucket, key))
	return true
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.asked
	r.asked = nil
	return out
}

// recordingServer is a test server whose one key is allowed everything,
// with every authorization question it is asked recorded.
func recordingServer(t *testing.T) (*emulator.TestServer, *recorder) {
	rec := &recorder{}
	ts := emulator.NewTestServer(t, emulator.WithCredentials(verifier.Credential{
		AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey, Allow: rec.allow,
	}))
	return ts, rec
}

// actionStep is one request and the "action ARN" questions it must ask.
type actionStep struct {
	name string
	run  func() error
	want []string
}

// checkActions runs the steps in order, each asking exactly its want.
func checkActions(t *testing.T, rec *recorder, steps []actionStep) {
	t.Helper()
	for _, s := range steps {
		rec.take()
		require.NoError(t, s.run(), s.name)
		assert.Equal(t, s.want, rec.take(), s.name)
	}
}

// Each operation asks for the IAM action AWS's Service Authorization
// Reference lists for it, on the bucket ARN for bucket operations and the
// object ARN for object operations; a policy written for real S3 then means
// the same here.
func TestPermissions_EachOperationAsksForItsIAMAction(t *testing.T) {
	ts, rec := recordingServer(t)
	ctx := context.Background()
	c := ts.Client
	b, k := aws.String("iam"), aws.String("dir/k")
	var uploadID *string
	var etag *string
	steps := []actionStep{
		{"CreateBucket", func() error { _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); return err },
			[]string{"s3:CreateBucket arn:aws:s3:::iam"}},
		{"HeadBucket", func() error { _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b}); return err },
			[]string{"s3:ListBucket arn:aws:s3:::iam"}},
		{"ListBuckets", func() error { _, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}); return err },
			[]string{"s3:ListAllMyBuckets arn:aws:s3:::*"}},
		{"GetBucketLocation", func() error { _, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b}); return err },
			[]string{"s3:GetBucketLocation arn:aws:s3:::iam"}},
		{"PutObject", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("v")})
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iam/dir/k"}},
		{"GetObject", func() error {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k})
			if err == nil {
				out.Body.Close()
			}
			return err
		}, []string{"s3:GetObject arn:aws:s3:::iam/dir/k"}},
		{"HeadObject", func() error { _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k}); return err },
			[]string{"s3:GetObject arn:aws:s3:::iam/dir/k"}},
		{"PutObject with x-amz-tagging", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("v"), Tagging: aws.String("a=1")})
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iam/dir/k", "s3:PutObjectTagging arn:aws:s3:::iam/dir/k"}},
		{"PutObjectTagging", func() error {
			_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: k,
				Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}}})
			return err
		}, []string{"s3:PutObjectTagging arn:aws:s3:::iam/dir/k"}},
		{"GetObjectTagging", func() error {
			_, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k})
			return err
		},
			[]string{"s3:GetObjectTagging arn:aws:s3:::iam/dir/k"}},
		{"HeadObject of a tagged object also asks to read its tag count", func() error {
			_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
			return err
		}, []string{"s3:GetObject arn:aws:s3:::iam/dir/k", "s3:GetObjectTagging arn:aws:s3:::iam/dir/k"}},
		{"DeleteObjectTagging", func() error {
			_, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: b, Key: k})
			return err
		}, []string{"s3:DeleteObjectTagging arn:aws:s3:::iam/dir/k"}},
		{"GetBucketVersioning", func() error {
			_, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
			return err
		},
			[]string{"s3:GetBucketVersioning arn:aws:s3:::iam"}},
		{"ListObjectsV2", func() error { _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b}); return err },
			[]string{"s3:ListBucket arn:aws:s3:::iam"}},
		{"ListObjects", func() error { _, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: b}); return err },
			[]string{"s3:ListBucket arn:aws:s3:::iam"}},
		{"CopyObject", func() error {
			_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("iam/dir/k")})
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iam/copy", "s3:GetObject arn:aws:s3:::iam/dir/k"}},
		{"CreateMultipartUpload", func() error {
			out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp")})
			if err == nil {
				uploadID = out.UploadId
			}
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iam/mp"}},
		{"UploadPart", func() error {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mp"), UploadId: uploadID, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
			if err == nil {
				etag = out.ETag
			}
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iam/mp"}},
		{"ListParts", func() error {
			_, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: aws.String("mp"), UploadId: uploadID})
			return err
		}, []string{"s3:ListMultipartUploadParts arn:aws:s3:::iam/mp"}},
		{"ListMultipartUploads", func() error {
			_, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b})
			return err
		},
			[]string{"s3:ListBucketMultipartUploads arn:aws:s3:::iam"}},
		{"CompleteMultipartUpload", func() error {
			_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("mp"), UploadId: uploadID,
				MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: etag, PartNumber: aws.Int32(1)}}}})
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iam/mp"}},
		{"AbortMultipartUpload", func() error {
			out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("ab")})
			if err != nil {
				return err
			}
			rec.take()
			_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("ab"), UploadId: out.UploadId})
			return err
		}, []string{"s3:AbortMultipartUpload arn:aws:s3:::iam/ab"}},
		{"PutBucketCors", func() error {
			_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{
				CORSRules: []types.CORSRule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}}}})
			return err
		}, []string{"s3:PutBucketCORS arn:aws:s3:::iam"}},
		{"GetBucketCors", func() error { _, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b}); return err },
			[]string{"s3:GetBucketCORS arn:aws:s3:::iam"}},
		{"DeleteBucketCors", func() error { _, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: b}); return err },
			[]string{"s3:PutBucketCORS arn:aws:s3:::iam"}},
		{"GetBucketAcl", func() error { _, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}); return err },
			[]string{"s3:GetBucketAcl arn:aws:s3:::iam"}},
		{"GetObjectAcl", func() error { _, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: k}); return err },
			[]string{"s3:GetObjectAcl arn:aws:s3:::iam/dir/k"}},
		{"PutObjectAcl", func() error {
			_, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: k, ACL: types.ObjectCannedACLBucketOwnerFullControl})
			return err
		}, []string{"s3:PutObjectAcl arn:aws:s3:::iam/dir/k"}},
		{"PutBucketAcl", func() error {
			_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, GrantFullControl: aws.String(`id="75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"`)})
			return err
		}, []string{"s3:PutBucketAcl arn:aws:s3:::iam"}},
		{"DeletePublicAccessBlock", func() error {
			_, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b})
			return err
		}, []string{"s3:PutBucketPublicAccessBlock arn:aws:s3:::iam"}},
		{"PutPublicAccessBlock", func() error {
			_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b,
				PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
			return err
		}, []string{"s3:PutBucketPublicAccessBlock arn:aws:s3:::iam"}},
		{"GetPublicAccessBlock", func() error {
			_, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
			return err
		}, []string{"s3:GetBucketPublicAccessBlock arn:aws:s3:::iam"}},
		{"PutBucketPolicy", func() error {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(
				`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::iam/*"}]}`)})
			return err
		}, []string{"s3:PutBucketPolicy arn:aws:s3:::iam"}},
		{"GetBucketPolicy", func() error { _, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); return err },
			[]string{"s3:GetBucketPolicy arn:aws:s3:::iam"}},
		{"GetBucketPolicyStatus", func() error {
			_, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
			return err
		}, []string{"s3:GetBucketPolicyStatus arn:aws:s3:::iam"}},
		{"DeleteBucketPolicy", func() error { _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b}); return err },
			[]string{"s3:DeleteBucketPolicy arn:aws:s3:::iam"}},
		{"PutBucketOwnershipControls", func() error {
			_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
				Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}})
			return err
		}, []string{"s3:PutBucketOwnershipControls arn:aws:s3:::iam"}},
		{"GetBucketOwnershipControls", func() error {
			_, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
			return err
		}, []string{"s3:GetBucketOwnershipControls arn:aws:s3:::iam"}},
		{"DeleteBucketOwnershipControls", func() error {
			_, err := c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: b})
			return err
		}, []string{"s3:PutBucketOwnershipControls arn:aws:s3:::iam"}},
		{"DeleteObject", func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("copy")})
			return err
		},
			[]string{"s3:DeleteObject arn:aws:s3:::iam/copy"}},
		{"DeleteObjects", func() error {
			_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{
				Objects: []types.ObjectIdentifier{{Key: k}, {Key: aws.String("mp")}}}})
			return err
		}, []string{"s3:DeleteObject arn:aws:s3:::iam/dir/k", "s3:DeleteObject arn:aws:s3:::iam/mp"}},
		{"DeleteBucket", func() error { _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}); return err },
			[]string{"s3:DeleteBucket arn:aws:s3:::iam"}},
	}
	checkActions(t, rec, steps)
}

func TestPermissions_URLSignedByKeyDeletedSince_IsInvalidAccessKeyId(t *testing.T) {
	temp := verifier.Credential{AccessKeyID: "AKIADELETEDLATER", SecretAccessKey: "temp-secret"}
	creds := verifier.NewStaticCredentials(permOwner, temp)
	clock := emulator.NewManualClock(time.Now())
	srv, err := emulator.New(emulator.Options{Region: "us-east-1", Credentials: creds, Clock: clock})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	presignPut := func(target string, c verifier.Credential) string {
		req, err := http.NewRequest(http.MethodPut, target+"?X-Amz-Expires=3600", nil)
		require.NoError(t, err)
		return s3test.PresignURL(t, req, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}, "us-east-1", clock.Now())
	}
	resp := sendRaw(t, http.MethodPut, presignPut(hs.URL+"/"+permBucket, permOwner), "")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))

	signed := presignPut(hs.URL+"/"+permBucket+"/k", temp)
	resp = sendRaw(t, http.MethodPut, signed, "before")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))

	creds.Remove(temp.AccessKeyID)
	resp = sendRaw(t, http.MethodPut, signed, "after")
	got := wireError(s3test.RequireEnvelope(t, resp.Response, resp.Body, http.StatusForbidden))
	assert.Equal(t, wireError{"InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
		[]string{"AWSAccessKeyId", "AKIADELETEDLATER"}}, got)
}

// sendRaw sends method u with body over a plain client.
func sendRaw(t *testing.T, method, u, body string) auditResp {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return auditResp{resp, b}
}
