package e2e

import (
	"encoding/xml"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
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

// readS3Error decodes an error response after s3test.RequireEnvelope
// checked its framing (status as received, application/xml, Content-Length,
// XML declaration, Code and Message first, RequestId and HostId last and
// equal to the headers).
func readS3Error(t *testing.T, resp *http.Response) s3Error {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	s3test.RequireEnvelope(t, resp, body, resp.StatusCode)
	return decodeS3Error(t, body)
}

// parseS3Error decodes an error body a script reported, after
// s3test.ParseError checked its framing.
func parseS3Error(t *testing.T, contentType string, body []byte) s3Error {
	t.Helper()
	require.Contains(t, contentType, "application/xml", "error body: %s", body)
	s3test.ParseError(t, body)
	return decodeS3Error(t, body)
}

func decodeS3Error(t *testing.T, body []byte) s3Error {
	t.Helper()
	var e s3Error
	require.NoError(t, xml.Unmarshal(body, &e), "error body: %s", body)
	require.NotEmpty(t, e.RequestID, "error without RequestId: %s", body)
	return e
}
