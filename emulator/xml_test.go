package emulator

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CopyObject and UploadPartCopy answer the same elements under the root
// element S3 names after the operation.
func TestCopyResult_RootIsCopyObjectResultOrCopyPartResult(t *testing.T) {
	for _, root := range []string{"CopyObjectResult", "CopyPartResult"} {
		b, err := xml.Marshal(copyResult{XMLName: xml.Name{Local: root}, NS: s3NS, LastModified: "2026-01-02T03:04:05.000Z", ETag: `"e"`})
		require.NoError(t, err)
		assert.Equal(t, `<`+root+` xmlns="`+s3NS+`"><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>&#34;e&#34;</ETag></`+root+`>`, string(b))
	}
}
