package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JS SDK v3's getSignedUrl signs the empty body's CRC32 into a PUT URL
// at its default settings. Users who "fix" that value to their file's CRC32,
// or add a checksum to a URL pre-signed without one, break the signature;
// `stricts3 explain --json` names checksum-param-in-url with what was
// signed and what was sent. The URL as the SDK made it, uploaded with a
// non-empty body, is accepted as S3 accepts it.
func TestExplain_JSSDKPresignedPut_ChecksumParamEditedInURL(t *testing.T) {
	node := requireNodeModules(t)
	bin := buildBinary(t)
	env := exampleKeyEnv(t, map[string]string{
		"S3_ENDPOINT": "http://127.0.0.1:9000",
		"S3_BUCKET":   "demo",
		"S3_KEY":      "uploads/avatar.png",
	})
	var urls struct {
		scriptError
		DefaultPut      string `json:"defaultPut"`
		WhenRequiredPut string `json:"whenRequiredPut"`
	}
	require.NoError(t, runJSON(t, time.Minute, jsDir(t), env, &urls, node, "presign_checksum.mjs"), "presign_checksum.mjs: %s", urls.Error)
	const signedEmpty = "AAAAAA=="
	signedParam := "x-amz-checksum-crc32=" + url.QueryEscape(signedEmpty)
	require.Contains(t, urls.DefaultPut, signedParam, "the SDK's default PUT URL carries the empty body's CRC32")
	require.NotContains(t, urls.WhenRequiredPut, "x-amz-checksum-", "WHEN_REQUIRED leaves checksums out")

	body := []byte("the bytes of a real photo")
	file := writeTemp(t, "avatar.png", body)
	fileCRC := crc32Base64(body)
	edited := strings.Replace(urls.DefaultPut, signedParam, "x-amz-checksum-crc32="+url.QueryEscape(fileCRC), 1)
	added := urls.WhenRequiredPut + "&x-amz-checksum-crc32=" + url.QueryEscape(fileCRC)

	cases := []struct {
		name, url string
		evidence  map[string]string
	}{
		{name: "empty body's CRC32 replaced by the file's", url: edited,
			evidence: map[string]string{"param": "x-amz-checksum-crc32", "signed": signedEmpty, "sent": fileCRC}},
		{name: "the file's CRC32 added to a URL signed without one", url: added,
			evidence: map[string]string{"param": "x-amz-checksum-crc32", "value": fileCRC}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := explainRefused(t, bin, env, "--", "curl", "-T", file, c.url)
			assert.Equal(t, 403, v.Status)
			assert.Equal(t, "SignatureDoesNotMatch", v.Code)
			require.NotEmpty(t, v.Causes)
			assert.Equal(t, "checksum-param-in-url", v.Causes[0].ID)
			assert.Equal(t, c.evidence, v.Causes[0].Evidence)
		})
	}
	t.Run("the SDK's URL unedited is accepted with a non-empty body", func(t *testing.T) {
		vs := explainLines(t, bin, env, 0, "--", "curl", "-T", file, urls.DefaultPut)
		require.Len(t, vs, 1)
		assert.True(t, vs[0].Valid, "%+v", vs[0])
	})
}
