package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

// presignServer starts a server and a bucket holding hello.txt, and returns
// the export line's variables: the environment a user who pasted it has.
func presignServer(t *testing.T) (map[string]string, *s3.Client) {
	t.Helper()
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	client := sdkClient(t, s.vars)
	s3test.MustCreateBucket(t, client, "presigned")
	s3test.MustPutObject(t, client, "presigned", "hello.txt", "hello, presigned world")
	return s.vars, client
}

func presignOut(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	stdout, stderr, code := runCmd(t, env, append([]string{"presign"}, args...)...)
	require.Equal(t, 0, code, "stderr: %s", stderr)
	return stdout
}

func readObject(t *testing.T, client *s3.Client, key string) (string, error) {
	t.Helper()
	out, err := client.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func TestPresignGet_URLFetchedWithNetHTTP_ReturnsObject(t *testing.T) {
	env, _ := presignServer(t)
	u := strings.TrimSpace(presignOut(t, env, "get", "s3://presigned/hello.txt", "--expires", "15m"))
	assert.True(t, strings.HasPrefix(u, env["AWS_ENDPOINT_URL"]+"/presigned/hello.txt?"), u)
	assert.Contains(t, u, "X-Amz-Expires=900")

	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "hello, presigned world", string(body))
}

func TestPresignPut_WithContentType_UploadSendingItSucceeds(t *testing.T) {
	env, client := presignServer(t)
	stdout, stderr, code := runCmd(t, env, "presign", "put", "s3://presigned/up.txt", "--content-type", "text/plain")
	require.Equal(t, 0, code, stderr)
	u := strings.TrimSpace(stdout)
	assert.Contains(t, stderr, "Content-Type: text/plain", "the signed header the upload must send is announced")

	req, err := http.NewRequest(http.MethodPut, u, strings.NewReader("uploaded by curl"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))

	got, err := readObject(t, client, "up.txt")
	require.NoError(t, err)
	assert.Equal(t, "uploaded by curl", got)
}

func TestPresignDelete_URLRemovesObject(t *testing.T) {
	env, client := presignServer(t)
	u := strings.TrimSpace(presignOut(t, env, "delete", "s3://presigned/hello.txt"))
	req, err := http.NewRequest(http.MethodDelete, u, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	_, err = readObject(t, client, "hello.txt")
	var nsk *types.NoSuchKey
	assert.True(t, errors.As(err, &nsk), "object is gone: %v", err)
}

// postForm is `presign post`'s JSON output.
type postForm struct {
	URL    string            `json:"url"`
	Fields map[string]string `json:"fields"`
}

// postMultipart sends form's fields, then the file, as a browser does.
func postMultipart(t *testing.T, form postForm, filename, content string) (*http.Response, string) {
	t.Helper()
	var fields []s3test.Field
	for name, value := range form.Fields {
		fields = append(fields, s3test.Field{Name: name, Value: value})
	}
	payload, contentType := s3test.PostForm(t, fields, &s3test.File{Filename: filename, ContentType: "application/octet-stream", Content: content})
	resp, err := http.Post(form.URL, contentType, bytes.NewReader(payload))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func TestPresignPost_JSONForm_MultipartUploadStoresObject(t *testing.T) {
	env, client := presignServer(t)
	var form postForm
	require.NoError(t, json.Unmarshal([]byte(presignOut(t, env, "post", "s3://presigned/posted.txt", "--max-size", "1KiB")), &form))
	assert.Equal(t, env["AWS_ENDPOINT_URL"]+"/presigned", strings.TrimSuffix(form.URL, "/"))
	assert.Equal(t, "posted.txt", form.Fields["key"])
	assert.NotEmpty(t, form.Fields["policy"])

	resp, body := postMultipart(t, form, "posted.txt", "sent from a form")
	require.Less(t, resp.StatusCode, 300, body)
	got, err := readObject(t, client, "posted.txt")
	require.NoError(t, err)
	assert.Equal(t, "sent from a form", got)
}

func TestPresignPost_MaxSize_LargerFileIsEntityTooLarge(t *testing.T) {
	env, client := presignServer(t)
	var form postForm
	require.NoError(t, json.Unmarshal([]byte(presignOut(t, env, "post", "s3://presigned/small.txt", "--max-size", "10")), &form))

	resp, body := postMultipart(t, form, "small.txt", "eleven byte")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "<Code>EntityTooLarge</Code>")
	_, err := readObject(t, client, "small.txt")
	assert.Error(t, err, "a rejected upload leaves no object")
}

func TestPresignPost_HTML_PageHoldsFormWithEveryField(t *testing.T) {
	env, _ := presignServer(t)
	var form postForm
	require.NoError(t, json.Unmarshal([]byte(presignOut(t, env, "post", "s3://presigned/page.txt")), &form))
	page := presignOut(t, env, "post", "s3://presigned/page.txt", "--html")

	assert.Contains(t, page, "<form")
	assert.Contains(t, page, `enctype="multipart/form-data"`)
	assert.Contains(t, page, `type="file"`)
	assert.Contains(t, page, form.URL)
	// The two runs may sign at different seconds: compare field names.
	for name := range form.Fields {
		assert.Contains(t, page, `name="`+name+`"`)
	}
}
