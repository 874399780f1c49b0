package e2e

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/require"
)

// postResponse is the body S3 returns for success_action_status 201.
type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

func parsePostResponse(t *testing.T, body string, out *postResponse) {
	t.Helper()
	require.NoError(t, xml.Unmarshal([]byte(body), out), "PostResponse body: %s", body)
}
