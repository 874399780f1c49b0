package s3test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPostForm_FieldsThenFileThenAfter_InOrder(t *testing.T) {
	body, ct := PostForm(t, []Field{{"key", "k"}, {"Policy", "p"}},
		&File{Filename: "cat.png", ContentType: "image/png", Content: "meow"}, Field{"after", "x"})
	_, params, err := mime.ParseMediaType(ct)
	require.NoError(t, err)
	r := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
	type part struct{ name, filename, contentType, value string }
	var got []part
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		got = append(got, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
	assert.Equal(t, []part{{"key", "", "", "k"}, {"Policy", "", "", "p"}, {"file", "cat.png", "image/png", "meow"}, {"after", "", "", "x"}}, got)
}

func TestPostForm_NoFilename_SendsFileAsPlainField(t *testing.T) {
	body, _ := PostForm(t, nil, &File{NoFilename: true, Content: "plain"})
	assert.Contains(t, string(body), "Content-Disposition: form-data; name=\"file\"\r\n\r\nplain")
}

func TestSignV4Policy_MatchesAWSPublishedExample(t *testing.T) {
	// The POST example of AWS's "Example: Browser-Based Upload using HTTP
	// POST (Using AWS Signature Version 4)".
	policy := "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	assert.Equal(t, "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e",
		SignV4Policy("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229", "us-east-1", policy))
}

func TestSignRequest_SetsPayloadHashAndSignsPathAsSent(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}
	at := time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)
	r := httptest.NewRequest(http.MethodPut, "http://127.0.0.1/b/a%20b", nil)
	SignRequest(t, r, []byte("x"), creds, "us-east-1", at)
	assert.Equal(t, PayloadHash([]byte("x")), r.Header.Get("X-Amz-Content-Sha256"))
	assert.Contains(t, r.Header.Get("Authorization"), "Credential=AKID/20261126/us-east-1/s3/aws4_request")

	// The SDK's default signer escapes the path again (a%2520b), which S3
	// does not: its signature must differ from ours.
	twice := httptest.NewRequest(http.MethodPut, "http://127.0.0.1/b/a%20b", nil)
	twice.Header.Set("X-Amz-Content-Sha256", PayloadHash([]byte("x")))
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, twice, PayloadHash([]byte("x")), "s3", "us-east-1", at))
	assert.NotEqual(t, twice.Header.Get("Authorization"), r.Header.Get("Authorization"))
}

func errorResponse(body string, hdr map[string]string) *http.Response {
	h := http.Header{"Content-Type": {"application/xml"}, "Content-Length": {strconv.Itoa(len(body))}}
	for k, v := range hdr {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: http.StatusForbidden, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func TestReadError_ReturnsExtraElementsInWireOrder(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>` +
		`<Expires>2026-11-26T22:01:00Z</Expires><ServerTime>2026-11-26T22:02:00Z</ServerTime><RequestId>R1</RequestId><HostId>H1</HostId></Error>`
	e := ReadError(t, errorResponse(body, map[string]string{"X-Amz-Request-Id": "R1", "X-Amz-Id-2": "H1"}), http.StatusForbidden)
	assert.Equal(t, WireError{"AccessDenied", "Request has expired",
		[]string{"X-Amz-Expires", "60", "Expires", "2026-11-26T22:01:00Z", "ServerTime", "2026-11-26T22:02:00Z"}}, e)
	assert.Equal(t, []string{"X-Amz-Expires", "Expires", "ServerTime"}, e.Names())
	assert.Equal(t, "60", e.Elem("X-Amz-Expires"))
	assert.Equal(t, "", e.Elem("Missing"))
}

func TestClock_AdvanceAndSet(t *testing.T) {
	start := time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)
	c := NewClock(start)
	c.Advance(time.Minute)
	assert.Equal(t, start.Add(time.Minute), c.Now())
	c.Set(start)
	assert.Equal(t, start, c.Now())
}
