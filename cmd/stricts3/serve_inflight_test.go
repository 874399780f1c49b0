package main

import (
	"io"
	"net/http"
	"net/http/httptrace"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// inflightPut is a pre-signed PUT whose handler is already reading the
// body: the test writes the body through w and reads the outcome from done.
type inflightPut struct {
	w    *io.PipeWriter
	done chan putResult
}

type putResult struct {
	status int
	err    error
}

// startInflightPut sends a PUT of length bytes to bucket/key and returns
// once the server's handler reads the body. Expect: 100-continue makes that
// observable: the server sends 100 Continue only when its handler reads.
func startInflightPut(t *testing.T, client *s3.Client, bucket, key string, length int64) *inflightPut {
	t.Helper()
	presigned, err := s3.NewPresignClient(client).PresignPutObject(t.Context(),
		&s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	bodyR, bodyW := io.Pipe()
	req, err := http.NewRequest(http.MethodPut, presigned.URL, bodyR)
	require.NoError(t, err)
	for name, vals := range presigned.SignedHeader {
		req.Header[name] = vals
	}
	req.ContentLength = length
	req.Header.Set("Expect", "100-continue")
	reading := make(chan struct{})
	req = req.WithContext(httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
		Got100Continue: func() { close(reading) },
	}))
	httpClient := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	t.Cleanup(httpClient.CloseIdleConnections)

	p := &inflightPut{w: bodyW, done: make(chan putResult, 1)}
	go func() {
		resp, err := httpClient.Do(req)
		if err != nil {
			p.done <- putResult{err: err}
			return
		}
		resp.Body.Close()
		p.done <- putResult{status: resp.StatusCode}
	}()
	<-reading
	return p
}
