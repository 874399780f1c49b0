package emulator_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// TestPostObject_TwoFileParts_IsInvalidArgumentAndStoresNothing: S3
// accepts exactly one file per form; with two it answers InvalidArgument
// naming the field, and the previous object stays as it was.
func TestPostObject_TwoFileParts_IsInvalidArgumentAndStoresNothing(t *testing.T) {
	ts, signer := postServer(t)
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(postBucket),
		Key: aws.String("k"), Body: bytes.NewReader([]byte("previous"))})
	require.NoError(t, err)
	form, err := signer.PresignPost(context.Background(), postBucket, "k", time.Hour)
	require.NoError(t, err)

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range form.Fields {
		require.NoError(t, w.WriteField(f.Name, f.Value))
	}
	for _, content := range []string{"first", "second"} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+content+`.txt"`)
		pw, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = pw.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	req, err := http.NewRequest(http.MethodPost, form.URL, &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := ts.HTTPClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()

	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, wireError{"InvalidArgument", "POST requires exactly one file upload per request.",
		[]string{"ArgumentName", "file", "ArgumentValue", "2"}}, readError(t, resp))
	assert.Equal(t, "previous", getBody(t, ts, "k"), "a rejected upload leaves the previous object intact")
}

// TestPostObject_MalformedPolicy_IsInvalidPolicyDocumentAndStoresNothing:
// a policy S3 cannot use is refused whole with 400 InvalidPolicyDocument,
// not evaluated into a 403.
func TestPostObject_MalformedPolicy_IsInvalidPolicyDocumentAndStoresNothing(t *testing.T) {
	ts := auditServer(t)
	exp := ts.Clock.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
	conds := append([]string{fmt.Sprintf(`{"bucket": %q}`, auditBucket), fmt.Sprintf(`{"key": %q}`, auditKey)}, v4PostConds(ts)...)
	doc := func(format string, args ...any) string {
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(format, args...)))
	}
	tests := []struct {
		name, policy, message string
	}{
		{"no conditions", doc(`{"expiration": %q}`, exp), "Invalid Policy: Policy missing conditions."},
		{"CONDITIONS in upper case", doc(`{"expiration": %q, "CONDITIONS": [%s]}`, exp, strings.Join(conds, ", ")),
			"Invalid Policy: Unexpected: 'conditions'"},
		{"content-length-range with one bound", postPolicy(ts.Clock.Now().Add(time.Hour), append(conds, `["content-length-range", 10]`)...),
			"Invalid Policy: Invalid content-length-range: wrong number of arguments."},
		{"content-length-range with a negative bound", postPolicy(ts.Clock.Now().Add(time.Hour), append(conds, `["content-length-range", -1, 10]`)...),
			"Invalid Policy: Invalid JSON."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postForm(t, ts, v4PostFields(ts, auditKey, tt.policy), aFile("forged"))
			assert.Equal(t, wireError{"InvalidPolicyDocument", tt.message, nil}, requireS3Error(t, r, http.StatusBadRequest))
			assert.Equal(t, auditContent, s3test.MustGetBody(t, ts.Client, auditBucket, auditKey), "the previous object is intact")
		})
	}
}
