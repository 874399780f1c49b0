package emulator

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

func TestObject_PutGetHeadDelete_WithMetadata(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "objects")
		expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		pout, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("objects"), Key: aws.String("dir/file.txt"),
			Body:               strings.NewReader("hello world"),
			ContentType:        aws.String("text/plain"),
			CacheControl:       aws.String("max-age=60"),
			ContentDisposition: aws.String(`attachment; filename="f.txt"`),
			ContentLanguage:    aws.String("en"),
			Expires:            aws.Time(expires),
			Metadata:           map[string]string{"Color": "red", "shape": "round"},
			StorageClass:       types.StorageClassStandardIa,
		})
		require.NoError(t, err)
		// MD5("hello world")
		assert.Equal(t, `"5eb63bbbe01eeed093cb22bb8f5acdc3"`, aws.ToString(pout.ETag))

		for _, method := range []string{"GET", "HEAD"} {
			var ct, cc, cd, cl, etag string
			var size int64
			var meta map[string]string
			var sc types.StorageClass
			var exp *time.Time
			if method == "GET" {
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("objects"), Key: aws.String("dir/file.txt")})
				require.NoError(t, err)
				body, _ := io.ReadAll(out.Body)
				out.Body.Close()
				assert.Equal(t, "hello world", string(body))
				ct, cc, cd, cl, etag = aws.ToString(out.ContentType), aws.ToString(out.CacheControl), aws.ToString(out.ContentDisposition), aws.ToString(out.ContentLanguage), aws.ToString(out.ETag)
				size, meta, sc, exp = aws.ToInt64(out.ContentLength), out.Metadata, out.StorageClass, out.Expires
				assert.Equal(t, "bytes", aws.ToString(out.AcceptRanges))
			} else {
				out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("objects"), Key: aws.String("dir/file.txt")})
				require.NoError(t, err)
				ct, cc, cd, cl, etag = aws.ToString(out.ContentType), aws.ToString(out.CacheControl), aws.ToString(out.ContentDisposition), aws.ToString(out.ContentLanguage), aws.ToString(out.ETag)
				size, meta, sc, exp = aws.ToInt64(out.ContentLength), out.Metadata, out.StorageClass, out.Expires
			}
			assert.Equal(t, "text/plain", ct, method)
			assert.Equal(t, "max-age=60", cc, method)
			assert.Equal(t, `attachment; filename="f.txt"`, cd, method)
			assert.Equal(t, "en", cl, method)
			assert.Equal(t, aws.ToString(pout.ETag), etag, method)
			assert.Equal(t, int64(11), size, method)
			assert.Equal(t, map[string]string{"color": "red", "shape": "round"}, meta, method)
			assert.Equal(t, types.StorageClassStandardIa, sc, method)
			require.NotNil(t, exp, method)
			assert.True(t, expires.Equal(*exp), method)
		}

		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("objects"), Key: aws.String("dir/file.txt")})
		require.NoError(t, err)
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("objects"), Key: aws.String("dir/file.txt")})
		apiErr(t, err, "NoSuchKey", http.StatusNotFound)
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("objects"), Key: aws.String("dir/file.txt")})
		require.Error(t, err)
		assert.Equal(t, http.StatusNotFound, httpStatus(t, err))
		// Deleting an absent key is a success on S3.
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("objects"), Key: aws.String("dir/file.txt")})
		require.NoError(t, err)
	})
}

func TestPutObject_DefaultContentTypeIsBinaryOctetStream(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "ctype")
	req := signedRequest(t, ts, http.MethodPut, ts.URL+"/ctype/raw", []byte("abc"), nil)
	resp, body := do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Empty(t, body, "a PUT success has an empty body")
	assert.NotEmpty(t, resp.Header.Get("ETag"))
	out, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("ctype"), Key: aws.String("raw")})
	require.NoError(t, err)
	assert.Equal(t, "binary/octet-stream", aws.ToString(out.ContentType))
}

func TestPutObject_OverwriteReplacesMetadataWhole(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "overwrite")
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("overwrite"), Key: aws.String("k"),
			Body: strings.NewReader("v1"), Metadata: map[string]string{"color": "red"}, CacheControl: aws.String("no-cache")})
		require.NoError(t, err)
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("overwrite"), Key: aws.String("k"),
			Body: strings.NewReader("v2"), Metadata: map[string]string{"size": "big"}})
		require.NoError(t, err)
		out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("overwrite"), Key: aws.String("k")})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"size": "big"}, out.Metadata)
		assert.Nil(t, out.CacheControl)
		assert.Equal(t, "v2", s3test.MustGetBody(t, c, "overwrite", "k"))
	})
}

func TestPutObject_Rejections(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "rejects")
	s3test.MustPutObject(t, ts.Client, "rejects", "exists", "v1")

	t.Run("key over 1024 bytes is KeyTooLongError", func(t *testing.T) {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rejects"), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
		apiErr(t, err, "KeyTooLongError", http.StatusBadRequest)
	})
	t.Run("unknown storage class is InvalidStorageClass", func(t *testing.T) {
		req := signedRequest(t, ts, http.MethodPut, ts.URL+"/rejects/sc", []byte("x"), map[string]string{"X-Amz-Storage-Class": "PLATINUM"})
		resp, body := do(t, ts, req)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		e := parseError(t, body)
		assert.Equal(t, "InvalidStorageClass", e.Code)
		assert.Equal(t, "PLATINUM", e.Elem("StorageClassRequested"))
	})
	t.Run("If-None-Match star on an existing key is 412", func(t *testing.T) {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rejects"), Key: aws.String("exists"), Body: strings.NewReader("v2"), IfNoneMatch: aws.String("*")})
		apiErr(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
		assert.Equal(t, "v1", s3test.MustGetBody(t, ts.Client, "rejects", "exists"))
	})
	t.Run("If-None-Match star on a new key succeeds", func(t *testing.T) {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rejects"), Key: aws.String("fresh"), Body: strings.NewReader("v"), IfNoneMatch: aws.String("*")})
		require.NoError(t, err)
	})
	t.Run("If-Match with another ETag is 412 with Condition", func(t *testing.T) {
		req := signedRequest(t, ts, http.MethodPut, ts.URL+"/rejects/exists", []byte("v3"), map[string]string{"If-Match": `"0000"`})
		resp, body := do(t, ts, req)
		assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
		assert.Equal(t, "If-Match", parseError(t, body).Elem("Condition"))
		assert.Equal(t, "v1", s3test.MustGetBody(t, ts.Client, "rejects", "exists"))
	})
	t.Run("no Content-Length is 411 MissingContentLength", func(t *testing.T) {
		req := signedRequest(t, ts, http.MethodPut, ts.URL+"/rejects/chunked", nil, map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
		// An unknown length makes the Go client send Transfer-Encoding: chunked.
		req.Body = io.NopCloser(strings.NewReader("streamed"))
		req.ContentLength = -1
		resp, body := do(t, ts, req)
		assert.Equal(t, http.StatusLengthRequired, resp.StatusCode, "%s", body)
		assert.Equal(t, "MissingContentLength", parseError(t, body).Code)
	})
	t.Run("user metadata over 2 KB is MetadataTooLarge", func(t *testing.T) {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rejects"), Key: aws.String("meta"),
			Body: strings.NewReader("x"), Metadata: map[string]string{"big": strings.Repeat("v", 2048)}})
		apiErr(t, err, "MetadataTooLarge", http.StatusBadRequest)
	})
	t.Run("declared size over 5 GiB is EntityTooLarge", func(t *testing.T) {
		req := signedRequest(t, ts, http.MethodPut, ts.URL+"/rejects/huge", nil, map[string]string{
			"X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
			"X-Amz-Decoded-Content-Length": "5368709121",
		})
		resp, body := do(t, ts, req)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
		e := parseError(t, body)
		assert.Equal(t, "EntityTooLarge", e.Code)
		assert.Equal(t, "5368709121", e.Elem("ProposedSize"))
		assert.Equal(t, "5368709120", e.Elem("MaxSizeAllowed"))
	})
	t.Run("missing bucket is NoSuchBucket with BucketName", func(t *testing.T) {
		req := signedRequest(t, ts, http.MethodPut, ts.URL+"/nobucket/k", []byte("x"), nil)
		resp, body := do(t, ts, req)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		e := parseError(t, body)
		assert.Equal(t, "NoSuchBucket", e.Code)
		assert.Equal(t, "nobucket", e.Elem("BucketName"))
	})
}

func TestPutObject_TaggingIsCountedOnGet(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "tags")
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("tags"), Key: aws.String("k"),
		Body: strings.NewReader("x"), Tagging: aws.String("a=1&b=2")})
	require.NoError(t, err)
	out, err := ts.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("tags"), Key: aws.String("k")})
	require.NoError(t, err)
	out.Body.Close()
	assert.Equal(t, int32(2), aws.ToInt32(out.TagCount))
}

func TestGetObject_NoSuchKey_CarriesKey(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "keys")
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/keys/missing/key.txt", nil, nil))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "NoSuchKey", e.Code)
	assert.Equal(t, "missing/key.txt", e.Elem("Key"))
}

func TestGetObject_Range(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "ranges")
		s3test.MustPutObject(t, c, "ranges", "digits", "0123456789")
		tests := []struct {
			rng, body, contentRange string
		}{
			{"bytes=2-4", "234", "bytes 2-4/10"},
			{"bytes=7-", "789", "bytes 7-9/10"},
			{"bytes=-3", "789", "bytes 7-9/10"},
			{"bytes=5-100", "56789", "bytes 5-9/10"},
		}
		for _, tc := range tests {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ranges"), Key: aws.String("digits"), Range: aws.String(tc.rng)})
			require.NoError(t, err, tc.rng)
			b, _ := io.ReadAll(out.Body)
			out.Body.Close()
			assert.Equal(t, tc.body, string(b), tc.rng)
			assert.Equal(t, tc.contentRange, aws.ToString(out.ContentRange), tc.rng)
			assert.Equal(t, int64(len(tc.body)), aws.ToInt64(out.ContentLength), tc.rng)
		}

		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ranges"), Key: aws.String("digits"), Range: aws.String("bytes=10-20")})
		apiErr(t, err, "InvalidRange", http.StatusRequestedRangeNotSatisfiable)
	})
}

func TestGetObject_Range_RawStatusesAndErrorElements(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "ranges")
	s3test.MustPutObject(t, ts.Client, "ranges", "digits", "0123456789")

	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/ranges/digits", nil, map[string]string{"Range": "bytes=0-1"}))
	assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
	assert.Equal(t, "01", string(body))

	// S3 ignores a multi-range request and sends the whole object.
	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/ranges/digits", nil, map[string]string{"Range": "bytes=0-1,4-5"}))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "0123456789", string(body))

	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/ranges/digits", nil, map[string]string{"Range": "bytes=20-"}))
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "InvalidRange", e.Code)
	assert.Equal(t, "bytes=20-", e.Elem("RangeRequested"))
	assert.Equal(t, "10", e.Elem("ActualObjectSize"))
}

func TestGetObject_ConditionalHeaders(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "conds")
	pout := s3test.MustPutObject(t, ts.Client, "conds", "k", "body")
	etag := aws.ToString(pout.ETag)
	head, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("conds"), Key: aws.String("k")})
	require.NoError(t, err)
	mod := *head.LastModified
	before, after := mod.Add(-time.Hour).UTC().Format(http.TimeFormat), mod.Add(time.Hour).UTC().Format(http.TimeFormat)

	tests := []struct {
		name      string
		hdr       map[string]string
		status    int
		condition string
	}{
		{"If-Match matching", map[string]string{"If-Match": etag}, 200, ""},
		{"If-Match mismatch", map[string]string{"If-Match": `"nope"`}, 412, "If-Match"},
		{"If-None-Match matching", map[string]string{"If-None-Match": etag}, 304, ""},
		{"If-None-Match other", map[string]string{"If-None-Match": `"nope"`}, 200, ""},
		{"If-Modified-Since after modification", map[string]string{"If-Modified-Since": after}, 304, ""},
		{"If-Modified-Since before modification", map[string]string{"If-Modified-Since": before}, 200, ""},
		{"If-Unmodified-Since before modification", map[string]string{"If-Unmodified-Since": before}, 412, "If-Unmodified-Since"},
		{"If-Unmodified-Since after modification", map[string]string{"If-Unmodified-Since": after}, 200, ""},
		{"If-Match true and If-Unmodified-Since false", map[string]string{"If-Match": etag, "If-Unmodified-Since": before}, 200, ""},
		{"If-None-Match false and If-Modified-Since true", map[string]string{"If-None-Match": `"nope"`, "If-Modified-Since": after}, 200, ""},
		{"If-None-Match true and If-Modified-Since false", map[string]string{"If-None-Match": etag, "If-Modified-Since": before}, 304, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				resp, body := do(t, ts, signedRequest(t, ts, method, ts.URL+"/conds/k", nil, tc.hdr))
				assert.Equal(t, tc.status, resp.StatusCode, "%s: %s", method, body)
				switch {
				case tc.status == 304:
					assert.Empty(t, body)
					assert.Equal(t, etag, resp.Header.Get("ETag"))
				case tc.status == 412 && method == http.MethodGet:
					e := parseError(t, body)
					assert.Equal(t, "PreconditionFailed", e.Code)
					assert.Equal(t, tc.condition, e.Elem("Condition"))
				case tc.status == 412:
					assert.Empty(t, body, "HEAD errors carry no body")
				case method == http.MethodGet:
					assert.Equal(t, "body", string(body))
				}
			}
		})
	}

	t.Run("SDK sees 412 as PreconditionFailed", func(t *testing.T) {
		_, err := ts.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("conds"), Key: aws.String("k"), IfMatch: aws.String(`"nope"`)})
		apiErr(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
	})
}

func TestGetObject_ResponseOverrides(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "overrides")
	s3test.MustPutObject(t, ts.Client, "overrides", "k", "x")
	out, err := ts.Client.GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String("overrides"), Key: aws.String("k"),
		ResponseContentType:        aws.String("application/json"),
		ResponseContentDisposition: aws.String("inline"),
		ResponseCacheControl:       aws.String("no-store"),
		ResponseContentLanguage:    aws.String("fr"),
		ResponseContentEncoding:    aws.String("identity"),
	})
	require.NoError(t, err)
	out.Body.Close()
	assert.Equal(t, "application/json", aws.ToString(out.ContentType))
	assert.Equal(t, "inline", aws.ToString(out.ContentDisposition))
	assert.Equal(t, "no-store", aws.ToString(out.CacheControl))
	assert.Equal(t, "fr", aws.ToString(out.ContentLanguage))
	assert.Equal(t, "identity", aws.ToString(out.ContentEncoding))
}

func TestDeleteObjects_QuietAndVerbose(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	s3test.MustCreateBucket(t, c, "multi")
	for _, k := range []string{"a", "b", "c"} {
		s3test.MustPutObject(t, c, "multi", k, k)
	}
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("multi"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("missing")}},
	}})
	require.NoError(t, err)
	var deleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	assert.ElementsMatch(t, []string{"a", "missing"}, deleted)
	assert.Empty(t, out.Errors)

	out, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("multi"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("b")}}, Quiet: aws.Bool(true),
	}})
	require.NoError(t, err)
	assert.Empty(t, out.Deleted)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("multi"), Key: aws.String("b")})
	require.Error(t, err)
	assert.Equal(t, "c", s3test.MustGetBody(t, c, "multi", "c"))
}

func TestDeleteObjects_Rejections(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "multi")
	var many bytes.Buffer
	many.WriteString("<Delete>")
	for range 1001 {
		many.WriteString("<Object><Key>k</Key></Object>")
	}
	many.WriteString("</Delete>")
	s3test.MustPutObject(t, ts.Client, "multi", "a", "kept")
	tests := []struct {
		name    string
		body    string
		withMD5 bool
		hdr     map[string]string
		code    string
	}{
		{"without Content-MD5 or checksum", "<Delete><Object><Key>a</Key></Object></Delete>", false, nil, "InvalidRequest"},
		// x-amz-checksum-algorithm names an algorithm but carries no value,
		// so nothing vouches for the body.
		{"x-amz-checksum-algorithm without a value", "<Delete><Object><Key>a</Key></Object></Delete>", false,
			map[string]string{"X-Amz-Checksum-Algorithm": "CRC32"}, "InvalidRequest"},
		{"more than 1000 keys", many.String(), true, nil, "MalformedXML"},
		{"not XML", "garbage<", true, nil, "MalformedXML"},
		{"no objects", "<Delete></Delete>", true, nil, "MalformedXML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			for k, v := range tc.hdr {
				hdr[k] = v
			}
			if tc.withMD5 {
				sum := md5.Sum([]byte(tc.body))
				hdr["Content-Md5"] = base64.StdEncoding.EncodeToString(sum[:])
			}
			resp, body := do(t, ts, signedRequest(t, ts, http.MethodPost, ts.URL+"/multi?delete", []byte(tc.body), hdr))
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Equal(t, tc.code, parseError(t, body).Code)
			assert.Equal(t, "kept", s3test.MustGetBody(t, ts.Client, "multi", "a"), "a rejected DeleteObjects deletes nothing")
		})
	}
}

func TestPutObject_BodyFailingVerification_LeavesPreviousObject(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "atomic")
	s3test.MustPutObject(t, ts.Client, "atomic", "k", "previous")
	other := sha256.Sum256([]byte("what was signed"))
	req := signedRequest(t, ts, http.MethodPut, ts.URL+"/atomic/k", []byte("what was sent"),
		map[string]string{"X-Amz-Content-Sha256": hex.EncodeToString(other[:])})
	resp, body := do(t, ts, req)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "XAmzContentSHA256Mismatch", parseError(t, body).Code)
	assert.Equal(t, "previous", s3test.MustGetBody(t, ts.Client, "atomic", "k"))

	req = signedRequest(t, ts, http.MethodPut, ts.URL+"/atomic/new", []byte("what was sent"),
		map[string]string{"X-Amz-Content-Sha256": hex.EncodeToString(other[:])})
	resp, _ = do(t, ts, req)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	_, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("atomic"), Key: aws.String("new")})
	require.Error(t, err, "a failed write leaves no trace")
}

func TestGetObject_ArchivedStorageClass_IsInvalidObjectState(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "archive")
	_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("archive"), Key: aws.String("cold"),
		Body: strings.NewReader("frozen"), StorageClass: types.StorageClassGlacier})
	require.NoError(t, err)

	head, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("archive"), Key: aws.String("cold")})
	require.NoError(t, err, "HEAD works on archived objects")
	assert.Equal(t, types.StorageClassGlacier, head.StorageClass)

	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/archive/cold", nil, nil))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "InvalidObjectState", e.Code)
	assert.Equal(t, "GLACIER", e.Elem("StorageClass"))

	_, err = ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("archive"), Key: aws.String("thawed"), CopySource: aws.String("archive/cold")})
	apiErr(t, err, "InvalidObjectState", http.StatusForbidden)
}
