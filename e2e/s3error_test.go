package e2e

import (
	"encoding/xml"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// s3Error is the S3 error envelope with the extra elements these tests read.
type s3Error struct {
	XMLName           xml.Name `xml:"Error"`
	Code              string   `xml:"Code"`
	Message           string   `xml:"Message"`
	AWSAccessKeyID    string   `xml:"AWSAccessKeyId"`
	StringToSign      string   `xml:"StringToSign"`
	SignatureProvided string   `xml:"SignatureProvided"`
	CanonicalRequest  string   `xml:"CanonicalRequest"`
	XAmzExpires       string   `xml:"X-Amz-Expires"`
	Expires           string   `xml:"Expires"`
	ServerTime        string   `xml:"ServerTime"`
	ProposedSize      string   `xml:"ProposedSize"`
	MaxSizeAllowed    string   `xml:"MaxSizeAllowed"`
	RequestID         string   `xml:"RequestId"`
}

// readS3Error decodes an error response and checks the envelope's framing.
func readS3Error(t *testing.T, resp *http.Response) s3Error {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return parseS3Error(t, resp.Header.Get("Content-Type"), body)
}

func parseS3Error(t *testing.T, contentType string, body []byte) s3Error {
	t.Helper()
	require.Contains(t, contentType, "application/xml", "error body: %s", body)
	var e s3Error
	require.NoError(t, xml.Unmarshal(body, &e), "error body: %s", body)
	require.NotEmpty(t, e.RequestID, "error without RequestId: %s", body)
	return e
}
