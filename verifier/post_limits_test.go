package verifier_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// countingReader counts the bytes the form reader takes from the body.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is a body that never ends: a header or value made of it must be
// cut off by a limit, never read to its end.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

const testBoundary = "XyZzY"

// rawPost is a POST of body with boundary testBoundary.
func rawPost(body io.Reader) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "http://localhost/"+testBucket, body)
	r.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
	return r
}

// readBound is the most the form reader may take from a body that breaks
// the pre-data limit: the limit plus mime/multipart's 4 KiB read-ahead.
const readBound = verifier.MaxPostPreDataLength + 4096

var preDataExceeded = wantErr{400, "MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.",
	[]string{"MaxPostPreDataLengthBytes", "20480"}}

func TestReadPost_PreDataOneByteOverTheLimit_IsMaxPostPreDataLengthExceeded(t *testing.T) {
	base := v4Fields("user/a", keyedPolicy(), kv{"x-ignore-pad", ""})
	pad := strings.Repeat("p", verifier.MaxPostPreDataLength-preDataOf(t, base)+1)
	v := newPostVerifier(s3test.NewClock(testNow))
	_, err := v.ReadPost(postBody(t, replace(base, "x-ignore-pad", pad), aFile, nil), testBucket)
	requireS3Error(t, err, preDataExceeded)
}

// TestReadPost_ManyEmptyNamedParts_AreCountedAndCheap: parts with an
// empty name and value still cost their boundary and header bytes, so a
// flood of them is refused after about 20 KB, in bounded work.
func TestReadPost_ManyEmptyNamedParts_AreCountedAndCheap(t *testing.T) {
	part := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n\r\n"
	const parts = 400_000
	body := append(bytes.Repeat([]byte(part), parts),
		"--"+testBoundary+"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--"+testBoundary+"--\r\n"...)
	v := newPostVerifier(s3test.NewClock(testNow))

	c := &countingReader{r: bytes.NewReader(body)}
	_, err := v.ReadPost(rawPost(c), testBucket)
	requireS3Error(t, err, preDataExceeded)
	assert.LessOrEqual(t, c.n, int64(readBound), "bytes read of a %d-byte body", len(body))

	allocs := testing.AllocsPerRun(3, func() {
		_, err := v.ReadPost(rawPost(bytes.NewReader(body)), testBucket)
		require.Error(t, err)
	})
	// About 10 allocations for each of the ~450 parts that fit in 20 KB
	// (4.6k measured); reading all 400k parts would cost millions.
	assert.Less(t, allocs, 10_000.0, "allocations per ReadPost")
}

// TestReadPost_HugePartHeader_IsRefusedWithoutBufferingIt: mime/multipart
// would buffer a part header up to 10 MB; before the file, a header counts
// against the 20 KB pre-data limit and reading stops there.
func TestReadPost_HugePartHeader_IsRefusedWithoutBufferingIt(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		body   io.Reader
	}{
		{"one endless header line", "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: ", endless('a')},
		{"the file part's own header", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nX-Pad: ", endless('a')},
		{"endless short header lines", "Content-Disposition: form-data; name=\"a\"\r\n", io.MultiReader(strings.NewReader(strings.Repeat("X-A: 1\r\n", 1<<20)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newPostVerifier(s3test.NewClock(testNow))
			c := &countingReader{r: io.MultiReader(strings.NewReader("--"+testBoundary+"\r\n"+tt.prefix), tt.body)}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := v.ReadPost(rawPost(c), testBucket)
			runtime.ReadMemStats(&after)
			requireS3Error(t, err, preDataExceeded)
			assert.LessOrEqual(t, c.n, int64(readBound))
			// ~170 KB measured; buffering the header would take megabytes.
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(512<<10), "bytes allocated while reading the form")
		})
	}
}

// formWithFiles is a signed SigV4 form followed by n file parts, then
// after (plain fields).
func formWithFiles(t *testing.T, n int, after ...kv) *http.Request {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range v4Fields("user/a", keyedPolicy()) {
		require.NoError(t, w.WriteField(f.name, f.value))
	}
	for i := 0; i < n; i++ {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="f`+strconv.Itoa(i)+`"`)
		pw, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = pw.Write([]byte("content " + strconv.Itoa(i)))
		require.NoError(t, err)
	}
	for _, f := range after {
		require.NoError(t, w.WriteField(f.name, f.value))
	}
	require.NoError(t, w.Close())
	r, err := http.NewRequest(http.MethodPost, "http://localhost/"+testBucket, &b)
	require.NoError(t, err)
	r.Header.Set("Content-Type", w.FormDataContentType())
	return r
}

// TestReadPost_MoreThanOneFile_IsInvalidArgumentAtTheFilesEnd: S3 answers
// a form with several file parts "POST requires exactly one file upload
// per request." naming the field file; the file stream fails at its end,
// so nothing is stored.
func TestReadPost_MoreThanOneFile_IsInvalidArgumentAtTheFilesEnd(t *testing.T) {
	tests := []struct {
		name  string
		req   func(t *testing.T) *http.Request
		count string
	}{
		{"two file parts", func(t *testing.T) *http.Request { return formWithFiles(t, 2) }, "2"},
		{"three file parts with a field between", func(t *testing.T) *http.Request {
			return formWithFiles(t, 3, kv{"acl", "private"})
		}, "3"},
		{"a plain field named FILE after the file", func(t *testing.T) *http.Request {
			return formWithFiles(t, 1, kv{"acl", "private"}, kv{"FILE", "second"})
		}, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newPostVerifier(s3test.NewClock(testNow))
			up, err := v.ReadPost(tt.req(t), testBucket)
			require.NoError(t, err)
			_, err = io.ReadAll(up.File)
			requireS3Error(t, err, wantErr{400, "InvalidArgument", "POST requires exactly one file upload per request.",
				[]string{"ArgumentName", "file", "ArgumentValue", tt.count}})
		})
	}
}

func TestReadPost_OneFileThenFields_StreamsTheFile(t *testing.T) {
	v := newPostVerifier(s3test.NewClock(testNow))
	up, err := v.ReadPost(formWithFiles(t, 1, kv{"acl", "private"}, kv{"x-ignore-late", strings.Repeat("v", 100_000)}), testBucket)
	require.NoError(t, err)
	got, err := io.ReadAll(up.File)
	require.NoError(t, err)
	assert.Equal(t, "content 0", string(got))
	assert.False(t, up.Fields.Has("acl"), "fields after the file are never part of the upload")
}

// TestReadPost_HugePartHeaderAfterTheFile_IsMalformedAndBounded: the parts
// after the file are read only to count files; their headers are capped
// at 20 KB too.
func TestReadPost_HugePartHeaderAfterTheFile_IsMalformedAndBounded(t *testing.T) {
	var head bytes.Buffer
	_, err := io.Copy(&head, formWithFiles(t, 1).Body)
	require.NoError(t, err)
	form := head.String()
	closing := strings.LastIndex(form, "--\r\n")
	require.Greater(t, closing, 0)
	boundaryLine := form[:strings.Index(form, "\r\n")]
	prefix := form[:closing] + "\r\nContent-Disposition: form-data; name=\"late\"\r\nX-Pad: "
	c := &countingReader{r: io.MultiReader(strings.NewReader(prefix), endless('a'))}
	r, err := http.NewRequest(http.MethodPost, "http://localhost/"+testBucket, c)
	require.NoError(t, err)
	r.Header.Set("Content-Type", "multipart/form-data; boundary="+strings.TrimPrefix(boundaryLine, "--"))

	v := newPostVerifier(s3test.NewClock(testNow))
	up, err := v.ReadPost(r, testBucket)
	require.NoError(t, err)
	_, err = io.ReadAll(up.File)
	requireS3Error(t, err, wantErr{400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", nil})
	assert.LessOrEqual(t, c.n, int64(len(prefix)+verifier.MaxPostPreDataLength+2*4096))
}
