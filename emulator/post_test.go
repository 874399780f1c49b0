package emulator_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

const postBucket = "uploads"

// postServer starts a server with one bucket and returns a form signer on
// the server's clock.
func postServer(t *testing.T, opts ...emulator.TestOption) (*emulator.TestServer, *presign.Signer) {
	t.Helper()
	ts := emulator.NewTestServer(t, opts...)
	s3test.MustCreateBucket(t, ts.Client, postBucket)
	return ts, presign.New(ts.Client, presign.WithSigningTime(ts.Clock.Now()))
}

// sendForm posts form with extra fields and the file, without following
// redirects.
func sendForm(t *testing.T, ts *emulator.TestServer, form *presign.Form, content string, extra ...presign.FormField) *http.Response {
	t.Helper()
	req := s3test.PostRequest(t, form.URL, s3test.FieldsOf(append(append([]presign.FormField(nil), form.Fields...), extra...)...),
		&s3test.File{Filename: "photo.png", ContentType: "image/png", Content: content})
	client := *ts.HTTPClient
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// readError reads resp's body, checks it is S3's error envelope
// (s3test.RequireEnvelope) and returns Code, Message and the extra elements
// in order.
func readError(t *testing.T, resp *http.Response) wireError {
	t.Helper()
	return wireError(s3test.ReadError(t, resp, resp.StatusCode))
}

func headObject(t *testing.T, ts *emulator.TestServer, key string) (*s3.HeadObjectOutput, error) {
	return ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(postBucket), Key: aws.String(key)})
}

func getBody(t *testing.T, ts *emulator.TestServer, key string) string {
	t.Helper()
	return s3test.MustGetBody(t, ts.Client, postBucket, key)
}

func TestPostObject_Responses(t *testing.T) {
	cases := []struct {
		name       string
		conditions []presign.Condition
		status     int
		body       string
		location   func(ts *emulator.TestServer, etag string) string
	}{
		{name: "Default_Is204", status: http.StatusNoContent,
			location: func(ts *emulator.TestServer, _ string) string { return ts.URL + "/uploads/in/photo.png" }},
		{name: "Status200_IsEmpty200", conditions: []presign.Condition{presign.Field("success_action_status", "200")}, status: http.StatusOK,
			location: func(ts *emulator.TestServer, _ string) string { return ts.URL + "/uploads/in/photo.png" }},
		{name: "Status201_IsPostResponseXML", conditions: []presign.Condition{presign.Field("success_action_status", "201")}, status: http.StatusCreated,
			body:     `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<PostResponse><Location>{loc}</Location><Bucket>uploads</Bucket><Key>in/photo.png</Key><ETag>{etag}</ETag></PostResponse>`,
			location: func(ts *emulator.TestServer, _ string) string { return ts.URL + "/uploads/in/photo.png" }},
		{name: "OtherStatus_Is204", conditions: []presign.Condition{presign.Field("success_action_status", "202")}, status: http.StatusNoContent,
			location: func(ts *emulator.TestServer, _ string) string { return ts.URL + "/uploads/in/photo.png" }},
		{name: "AbsoluteRedirect_Is303WithBucketKeyEtag",
			conditions: []presign.Condition{presign.Field("success_action_redirect", "http://app.example/done?x=1"), presign.Field("success_action_status", "201")},
			status:     http.StatusSeeOther,
			location: func(_ *emulator.TestServer, etag string) string {
				return "http://app.example/done?x=1&bucket=uploads&key=in%2Fphoto.png&etag=" + "%22" + etag[1:len(etag)-1] + "%22"
			}},
		{name: "RelativeRedirect_IsIgnored", conditions: []presign.Condition{presign.Field("success_action_redirect", "/done")}, status: http.StatusNoContent,
			location: func(ts *emulator.TestServer, _ string) string { return ts.URL + "/uploads/in/photo.png" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, signer := postServer(t)
			form, err := signer.PresignPost(context.Background(), postBucket, "in/${filename}", time.Hour, tc.conditions...)
			require.NoError(t, err)
			resp := sendForm(t, ts, form, "123456789")
			body, _ := io.ReadAll(resp.Body)
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			etag := resp.Header.Get("ETag")
			assert.Equal(t, `"25f9e794323b453885f5181f1b624d0b"`, etag)
			assert.Equal(t, tc.location(ts, etag), resp.Header.Get("Location"))
			// CRC-64/NVME("123456789") = 0xae8b14860a799888.
			assert.Equal(t, base64.StdEncoding.EncodeToString([]byte{0xae, 0x8b, 0x14, 0x86, 0x0a, 0x79, 0x98, 0x88}),
				resp.Header.Get("X-Amz-Checksum-Crc64nvme"))
			assert.Equal(t, "FULL_OBJECT", resp.Header.Get("X-Amz-Checksum-Type"))
			if tc.body != "" {
				want := bytes.ReplaceAll([]byte(tc.body), []byte("{loc}"), []byte(tc.location(ts, etag)))
				want = bytes.ReplaceAll(want, []byte("{etag}"), []byte("&#34;25f9e794323b453885f5181f1b624d0b&#34;"))
				assert.Equal(t, string(want), string(body))
				assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
			} else {
				assert.Empty(t, body)
			}
			assert.Equal(t, "123456789", getBody(t, ts, "in/photo.png"))
		})
	}
}

func TestPostObject_FieldsSetObjectHeaders(t *testing.T) {
	ts, signer := postServer(t)
	form, err := signer.PresignPost(context.Background(), postBucket, "doc.txt", time.Hour,
		presign.Field("Content-Type", "text/plain"),
		presign.Field("Cache-Control", "max-age=60"),
		presign.Field("Content-Disposition", "attachment"),
		presign.Field("x-amz-meta-Owner", "alice"),
		presign.Field("x-amz-meta-city", "Zürich"),
		presign.Field("x-amz-storage-class", "STANDARD_IA"),
		presign.Field("tagging", "<Tagging><TagSet><Tag><Key>team</Key><Value>a</Value></Tag></TagSet></Tagging>"))
	require.NoError(t, err)
	resp := sendForm(t, ts, form, "hello")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	out, err := headObject(t, ts, "doc.txt")
	require.NoError(t, err)
	assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
	assert.Equal(t, "max-age=60", aws.ToString(out.CacheControl))
	assert.Equal(t, "attachment", aws.ToString(out.ContentDisposition))
	assert.Equal(t, map[string]string{"owner": "alice", "city": "=?UTF-8?Q?Z=C3=BCrich?="}, out.Metadata)
	assert.Equal(t, "STANDARD_IA", string(out.StorageClass))
	got, err := ts.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(postBucket), Key: aws.String("doc.txt")})
	require.NoError(t, err)
	defer got.Body.Close()
	assert.Equal(t, int32(1), aws.ToInt32(got.TagCount), "the tagging XML is stored as one tag")
}

func TestPostObject_RejectedUploadsStoreNothing(t *testing.T) {
	cases := []struct {
		name       string
		bucket     string
		conditions []presign.Condition
		extra      []presign.FormField
		content    string
		advance    time.Duration
		tamper     bool
		status     int
		want       wireError
	}{
		{name: "FileOverRange_IsEntityTooLarge", conditions: []presign.Condition{presign.ContentLengthRange(0, 3)}, content: "too big",
			status: 400, want: wireError{"EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", []string{"ProposedSize", "7", "MaxSizeAllowed", "3"}}},
		{name: "FileUnderRange_IsEntityTooSmall", conditions: []presign.Condition{presign.ContentLengthRange(100, 200)}, content: "small",
			status: 400, want: wireError{"EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", []string{"ProposedSize", "5", "MinSizeAllowed", "100"}}},
		{name: "BadStorageClass_IsInvalidStorageClass", conditions: []presign.Condition{presign.Field("x-amz-storage-class", "FAST")}, content: "x",
			status: 400, want: wireError{"InvalidStorageClass", "The storage class you specified is not valid", []string{"StorageClassRequested", "FAST"}}},
		{name: "TaggingNotXML_IsMalformedXML", conditions: []presign.Condition{presign.Field("tagging", "team=a")}, content: "x",
			status: 400, want: wireError{"MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", nil}},
		{name: "UncoveredField_IsExtraInputFields", extra: []presign.FormField{{Name: "Content-Type", Value: "text/html"}}, content: "x",
			status: 403, want: wireError{"AccessDenied", "Invalid according to Policy: Extra input fields: content-type", nil}},
		{name: "AfterExpiry_IsPolicyExpired", advance: time.Hour + time.Second, content: "x",
			status: 403, want: wireError{"AccessDenied", "Invalid according to Policy: Policy expired.", nil}},
		{name: "MissingBucket_IsNoSuchBucket", bucket: "nobucket", content: "x",
			status: 404, want: wireError{"NoSuchBucket", "The specified bucket does not exist", []string{"BucketName", "nobucket"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, signer := postServer(t)
			bucket := tc.bucket
			if bucket == "" {
				bucket = postBucket
			}
			_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(postBucket),
				Key: aws.String("k"), Body: bytes.NewReader([]byte("previous"))})
			require.NoError(t, err)
			form, err := signer.PresignPost(context.Background(), bucket, "k", time.Hour, tc.conditions...)
			require.NoError(t, err)
			ts.Clock.Advance(tc.advance)
			resp := sendForm(t, ts, form, tc.content, tc.extra...)
			require.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.want, readError(t, resp))
			ts.Clock.Advance(-tc.advance)
			assert.Equal(t, "previous", getBody(t, ts, "k"), "a rejected upload leaves the previous object intact")
		})
	}
}

func TestPostObject_SignatureMismatch_ExplainsInDiagnosisHeader(t *testing.T) {
	ts, signer := postServer(t)
	form, err := signer.PresignPost(context.Background(), postBucket, "k", time.Hour)
	require.NoError(t, err)
	for i := range form.Fields {
		if form.Fields[i].Name == "policy" {
			form.Fields[i].Value = form.Fields[i].Value[:len(form.Fields[i].Value)-4]
		}
	}
	resp := sendForm(t, ts, form, "x")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	e := readError(t, resp)
	assert.Equal(t, "SignatureDoesNotMatch", e.Code)
	var names []string
	for i := 0; i < len(e.Extra); i += 2 {
		names = append(names, e.Extra[i])
	}
	assert.Equal(t, []string{"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes"}, names)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), "policy")
	_, err = headObject(t, ts, "k")
	assert.Error(t, err, "nothing stored")
}

func TestPostObject_NotMultipart_IsPreconditionFailed(t *testing.T) {
	ts, _ := postServer(t)
	resp, err := ts.HTTPClient.Post(ts.URL+"/"+postBucket, "application/x-www-form-urlencoded", bytes.NewReader([]byte("key=a")))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
	assert.Equal(t, wireError{"PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
		[]string{"Condition", "Bucket POST must be of the enclosure-type multipart/form-data"}}, readError(t, resp))
}

func TestPostObject_KeyWithoutPutObjectPermission_IsAccessDenied(t *testing.T) {
	ts, signer := postServer(t, emulator.WithCredentials(verifier.Credential{
		AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey,
		Allow: func(action, bucket, key string) bool { return action != "s3:PutObject" || key != "secret/x" },
	}))
	form, err := signer.PresignPost(context.Background(), postBucket, "secret/x", time.Hour)
	require.NoError(t, err)
	resp := sendForm(t, ts, form, "x")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, wireError{"AccessDenied", "Access Denied", nil}, readError(t, resp))

	form, err = signer.PresignPost(context.Background(), postBucket, "public/x", time.Hour)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, sendForm(t, ts, form, "x").StatusCode)
}

func TestPostObject_StoresFullObjectCRC64NVME_InEveryStore(t *testing.T) {
	dir, err := store.NewDir(t.TempDir())
	require.NoError(t, err)
	for name, st := range map[string]store.Store{"memory": store.NewMemory(), "dir": dir} {
		t.Run(name, func(t *testing.T) {
			ts, signer := postServer(t, emulator.WithStore(st))
			form, err := signer.PresignPost(context.Background(), postBucket, "k", time.Hour)
			require.NoError(t, err)
			resp := sendForm(t, ts, form, "123456789")
			require.Equal(t, http.StatusNoContent, resp.StatusCode)
			info, err := st.HeadObject(context.Background(), postBucket, "k")
			require.NoError(t, err)
			require.NotNil(t, info.Meta.Checksum)
			assert.Equal(t, store.Checksum{Algorithm: "CRC64NVME", Value: resp.Header.Get("X-Amz-Checksum-Crc64nvme"), Type: "FULL_OBJECT"},
				*info.Meta.Checksum)
			assert.Equal(t, "binary/octet-stream", info.Meta.ContentType, "the file part's own Content-Type is not used")
		})
	}
}

func TestPostObject_VirtualHostedBucket(t *testing.T) {
	ts, signer := postServer(t)
	form, err := signer.PresignPost(context.Background(), postBucket, "vh/${filename}", time.Hour)
	require.NoError(t, err)
	form.URL = ts.URL + "/"
	req := s3test.PostRequest(t, form.URL, s3test.FieldsOf(form.Fields...),
		&s3test.File{Filename: "a.txt", ContentType: "application/octet-stream", Content: "virtual"})
	req.Host = postBucket + ".localhost:" + ts.URL[len("http://127.0.0.1:"):]
	resp, err := ts.HTTPClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, "http://"+req.Host+"/vh/a.txt", resp.Header.Get("Location"))
	assert.Equal(t, "virtual", getBody(t, ts, "vh/a.txt"))
}

// A form upload to a versioned bucket is a new version, named in
// x-amz-version-id.
func TestPostObject_VersionedBucket_AnswersTheVersionID(t *testing.T) {
	ts, signer := postServer(t)
	ctx := context.Background()
	enablePostVersioning(t, ts)
	form, err := signer.PresignPost(ctx, postBucket, "in/photo.png", time.Hour)
	require.NoError(t, err)
	resp := sendForm(t, ts, form, "png bytes")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	id := resp.Header.Get("X-Amz-Version-Id")
	require.NotEmpty(t, id)
	out, err := ts.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(postBucket), Key: aws.String("in/photo.png"), VersionId: aws.String(id)})
	require.NoError(t, err)
	out.Body.Close()
	assert.Equal(t, id, aws.ToString(out.VersionId))
}

// A POST upload to a bucket with a default retention gets it, counted from
// the server's clock, as every new version there does.
func TestPostObject_LockedBucket_GetsTheDefaultRetention(t *testing.T) {
	ts, signer := postServer(t)
	ctx := context.Background()
	enablePostVersioning(t, ts)
	_, err := ts.Client.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(postBucket),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(2)}}}})
	require.NoError(t, err)
	form, err := signer.PresignPost(ctx, postBucket, "in/photo.png", time.Hour)
	require.NoError(t, err)
	resp := sendForm(t, ts, form, "png bytes")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	head, err := headObject(t, ts, "in/photo.png")
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockModeCompliance, head.ObjectLockMode)
	require.NotNil(t, head.ObjectLockRetainUntilDate)
	assert.WithinDuration(t, ts.Clock.Now().AddDate(0, 0, 2), *head.ObjectLockRetainUntilDate, time.Minute)
}

func enablePostVersioning(t *testing.T, ts *emulator.TestServer) {
	t.Helper()
	_, err := ts.Client.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(postBucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
}
