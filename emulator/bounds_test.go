package emulator_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/cors"
)

// Every request body the server reads whole into memory has a bound, and
// crossing it is an S3 client error, never a 500 or an unbounded read.
// These tests use FuzzServer's fixture (fuzz_test.go): bucket "fuzz" with
// an upload of "mp" whose part 1 is "part one".

// padXML grows doc to exactly size bytes with whitespace after the root's
// opening tag, which every XML reader ignores.
func padXML(t *testing.T, open, rest string, size int) string {
	t.Helper()
	n := size - len(open) - len(rest)
	require.GreaterOrEqual(t, n, 0)
	return open + strings.Repeat(" ", n) + rest
}

func boundsSend(t *testing.T, method, target, headers, body string) (int, string) {
	t.Helper()
	env := newFuzzEnv(t)
	req, ok := rawRequest(method, strings.ReplaceAll(target, "UPLOADID", env.uploadID), headers, []byte(body))
	require.True(t, ok)
	require.True(t, fuzzSign(req, []byte(body), 1))
	rec := env.check(t, req)
	return rec.Code, rec.Body.String()
}

func TestBounds_XMLDocumentOverTheCap_IsMaxMessageLengthExceeded(t *testing.T) {
	over := emulator.MaxXMLBody + 1
	del := padXML(t, "<Delete>", "<Object><Key>k</Key></Object></Delete>", over)
	complete := padXML(t, "<CompleteMultipartUpload>", "<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>", over)
	create := padXML(t, "<CreateBucketConfiguration>", "</CreateBucketConfiguration>", over)
	tests := []struct {
		name, method, target, headers, body string
	}{
		{"DeleteObjects", "POST", "/fuzz?delete", "Content-MD5: " + md5b64(del), del},
		{"CompleteMultipartUpload", "POST", "/fuzz/mp?uploadId=UPLOADID", "", complete},
		{"CreateBucket", "PUT", "/newbucket", "", create},
		// An aws-chunked body announces no document length: the cap holds
		// while reading.
		{"CompleteMultipartUpload, aws-chunked", "POST", "/fuzz/mp?uploadId=UPLOADID",
			"Content-Encoding: aws-chunked\nx-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\n" +
				"x-amz-trailer: x-amz-checksum-crc32\n" +
				fmt.Sprintf("x-amz-decoded-content-length: %d", len(complete)),
			fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", len(complete), complete, crc32b64(complete))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := boundsSend(t, tc.method, tc.target, tc.headers, tc.body)
			assert.Equal(t, http.StatusBadRequest, status, body)
			assert.Contains(t, body, "<Code>MaxMessageLengthExceeded</Code><Message>Your request was too big.</Message>")
		})
	}
}

// The cap must admit the largest document S3 accepts: DeleteObjects with
// 1000 keys of 1024 bytes, every byte escaped.
func TestBounds_LargestValidDeleteObjects_IsUnderTheCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("<Delete><Quiet>true</Quiet>")
	for i := range 1000 {
		key := fmt.Sprintf("%04d", i) + strings.Repeat(`"`, 1020)
		b.WriteString("<Object><Key>" + strings.ReplaceAll(key, `"`, "&quot;") + "</Key></Object>")
	}
	b.WriteString("</Delete>")
	doc := b.String()
	require.Greater(t, len(doc), 6_000_000, "the document is about as large as S3 allows")
	status, body := boundsSend(t, "POST", "/fuzz?delete", "Content-MD5: "+md5b64(doc), doc)
	assert.Equal(t, http.StatusOK, status, body)
}

func TestBounds_XMLDocumentExactlyAtTheCap_IsRead(t *testing.T) {
	complete := padXML(t, "<CompleteMultipartUpload>",
		fmt.Sprintf(`<Part><PartNumber>1</PartNumber><ETag>"%x"</ETag></Part></CompleteMultipartUpload>`, md5sum(fuzzPart1)),
		emulator.MaxXMLBody)
	status, body := boundsSend(t, "POST", "/fuzz/mp?uploadId=UPLOADID", "", complete)
	assert.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "<CompleteMultipartUploadResult")
}

// No upload has more than 10000 parts; a list naming more fails on a part
// that cannot exist, as a client error.
func TestBounds_CompleteMultipartUploadOver10000Parts_IsInvalidPart(t *testing.T) {
	var b strings.Builder
	b.WriteString("<CompleteMultipartUpload>")
	for n := 1; n <= 10001; n++ {
		fmt.Fprintf(&b, `<Part><PartNumber>%d</PartNumber><ETag>"%x"</ETag></Part>`, n, md5sum(fuzzPart1))
	}
	b.WriteString("</CompleteMultipartUpload>")
	status, body := boundsSend(t, "POST", "/fuzz/mp?uploadId=UPLOADID", "", b.String())
	assert.Equal(t, http.StatusBadRequest, status, body)
	assert.Contains(t, body, "<Code>InvalidPart</Code>")
}

// PutBucketCors documents are at most 64 KB (API_PutBucketCors).
func TestBounds_PutBucketCorsOver64KB_IsMalformedXMLAndAt64KBIsAccepted(t *testing.T) {
	rule := "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>"
	for _, tc := range []struct {
		size   int
		status int
		code   string
	}{
		{cors.MaxDocumentSize, http.StatusOK, ""},
		{cors.MaxDocumentSize + 1, http.StatusBadRequest, "MalformedXML"},
	} {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			doc := padXML(t, "<CORSConfiguration>", rule, tc.size)
			status, body := boundsSend(t, "PUT", "/fuzz?cors", "Content-MD5: "+md5b64(doc), doc)
			assert.Equal(t, tc.status, status, body)
			if tc.code != "" {
				assert.Contains(t, body, "<Code>"+tc.code+"</Code>")
			}
		})
	}
}
