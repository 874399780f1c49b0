package emulator_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
