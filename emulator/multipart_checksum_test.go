package emulator

import (
	"bytes"
	"context"
	"encoding/base64"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// compositeOf is S3's COMPOSITE checksum, computed here independently of
// the emulator: alg over the concatenated raw part digests, "-<parts>".
func compositeOf(t *testing.T, alg string, parts ...[]byte) string {
	t.Helper()
	var raw []byte
	for _, p := range parts {
		d, err := base64.StdEncoding.DecodeString(sumOf(t, alg, p))
		require.NoError(t, err)
		raw = append(raw, d...)
	}
	return sumOf(t, alg, raw) + "-" + strconv.Itoa(len(parts))
}

// setChecksum sets alg's member of a CompletedPart.
func setChecksum(p *types.CompletedPart, alg, v string) {
	switch alg {
	case "CRC32":
		p.ChecksumCRC32 = aws.String(v)
	case "CRC32C":
		p.ChecksumCRC32C = aws.String(v)
	case "CRC64NVME":
		p.ChecksumCRC64NVME = aws.String(v)
	case "SHA1":
		p.ChecksumSHA1 = aws.String(v)
	case "SHA256":
		p.ChecksumSHA256 = aws.String(v)
	}
}

// twoParts is a 5 MiB first part (S3's minimum) and a short last part.
func twoParts() [][]byte {
	whole := payload(minPartSize + 1000)
	return [][]byte{whole[:minPartSize], whole[minPartSize:]}
}

// uploadParts creates an upload with alg (and typ, when set) and uploads
// parts with the SDK computing alg's checksum; it returns the upload id and
// the parts as UploadPart reported them.
func uploadChecksummedParts(t *testing.T, c *s3.Client, key, alg string, typ types.ChecksumType, parts [][]byte) (string, []types.CompletedPart) {
	t.Helper()
	ctx := context.Background()
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String("bkt"), Key: aws.String(key), ChecksumAlgorithm: types.ChecksumAlgorithm(alg), ChecksumType: typ,
	})
	require.NoError(t, err)
	var done []types.CompletedPart
	for i, p := range parts {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String("bkt"), Key: aws.String(key), UploadId: cr.UploadId, PartNumber: aws.Int32(int32(i + 1)),
			Body: bytes.NewReader(p), ChecksumAlgorithm: types.ChecksumAlgorithm(alg),
		})
		require.NoError(t, err)
		assert.Equal(t, sumOf(t, alg, p), checksumOf(alg, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256),
			"UploadPart returns the part's checksum")
		cp := types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))}
		setChecksum(&cp, alg, checksumOf(alg, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256))
		done = append(done, cp)
	}
	return aws.ToString(cr.UploadId), done
}

func TestMultipart_CompositeChecksum_IsDigestOfPartDigestsWithPartCount(t *testing.T) {
	parts := twoParts()
	whole := append(append([]byte(nil), parts[0]...), parts[1]...)
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "bkt")
		for _, alg := range []string{"CRC32", "SHA256"} {
			t.Run(alg, func(t *testing.T) {
				id, done := uploadChecksummedParts(t, c, alg, alg, "", parts)

				lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("bkt"), Key: aws.String(alg), UploadId: aws.String(id)})
				require.NoError(t, err)
				assert.Equal(t, types.ChecksumAlgorithm(alg), lp.ChecksumAlgorithm)
				assert.Equal(t, types.ChecksumTypeComposite, lp.ChecksumType)
				require.Len(t, lp.Parts, 2)
				for i, p := range lp.Parts {
					assert.Equal(t, sumOf(t, alg, parts[i]), checksumOf(alg, p.ChecksumCRC32, p.ChecksumCRC32C, p.ChecksumCRC64NVME, p.ChecksumSHA1, p.ChecksumSHA256))
				}
				lu, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("bkt"), Prefix: aws.String(alg)})
				require.NoError(t, err)
				require.Len(t, lu.Uploads, 1)
				assert.Equal(t, types.ChecksumAlgorithm(alg), lu.Uploads[0].ChecksumAlgorithm)

				want := compositeOf(t, alg, parts...)
				out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
					Bucket: aws.String("bkt"), Key: aws.String(alg), UploadId: aws.String(id),
					MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
				})
				require.NoError(t, err)
				assert.Equal(t, want, checksumOf(alg, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256))
				assert.Equal(t, types.ChecksumTypeComposite, out.ChecksumType)

				head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(alg), ChecksumMode: types.ChecksumModeEnabled})
				require.NoError(t, err)
				assert.Equal(t, want, checksumOf(alg, head.ChecksumCRC32, head.ChecksumCRC32C, head.ChecksumCRC64NVME, head.ChecksumSHA1, head.ChecksumSHA256))
				assert.Equal(t, types.ChecksumTypeComposite, head.ChecksumType)

				got, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(alg), ChecksumMode: types.ChecksumModeEnabled})
				assert.Equal(t, whole, body)
				assert.Equal(t, want, checksumOf(alg, got.ChecksumCRC32, got.ChecksumCRC32C, got.ChecksumCRC64NVME, got.ChecksumSHA1, got.ChecksumSHA256))

				// One part of a COMPOSITE object comes with that part's own
				// checksum, which the SDK validates.
				p2, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(alg), PartNumber: aws.Int32(2), ChecksumMode: types.ChecksumModeEnabled})
				assert.Equal(t, parts[1], body)
				assert.Equal(t, sumOf(t, alg, parts[1]), checksumOf(alg, p2.ChecksumCRC32, p2.ChecksumCRC32C, p2.ChecksumCRC64NVME, p2.ChecksumSHA1, p2.ChecksumSHA256))
				assert.Equal(t, types.ChecksumTypeComposite, p2.ChecksumType)
			})
		}
	})
}

func TestMultipart_FullObjectChecksum_IsTheChecksumOfTheWholeObject(t *testing.T) {
	parts := twoParts()
	whole := append(append([]byte(nil), parts[0]...), parts[1]...)
	ts := NewTestServer(t, WithTLS())
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "bkt")
	tests := []struct {
		alg          string
		typ          types.ChecksumType
		listChecksum bool
	}{
		{"CRC64NVME", "", true}, // FULL_OBJECT is CRC64NVME's default and only type
		{"CRC32", types.ChecksumTypeFullObject, false},
		{"CRC32C", types.ChecksumTypeFullObject, true},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			id, done := uploadChecksummedParts(t, c, tt.alg, tt.alg, tt.typ, parts)
			if !tt.listChecksum {
				for i := range done {
					done[i] = types.CompletedPart{ETag: done[i].ETag, PartNumber: done[i].PartNumber}
				}
			}
			want := sumOf(t, tt.alg, whole)
			in := &s3.CompleteMultipartUploadInput{
				Bucket: aws.String("bkt"), Key: aws.String(tt.alg), UploadId: aws.String(id),
				MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
			}
			switch tt.alg { // the client's own full-object checksum is verified
			case "CRC64NVME":
				in.ChecksumCRC64NVME = aws.String(want)
			case "CRC32":
				in.ChecksumCRC32 = aws.String(sumOf(t, tt.alg, []byte("not the object")))
			}
			out, err := c.CompleteMultipartUpload(ctx, in)
			if tt.alg == "CRC32" {
				apiErr(t, err, "BadDigest", 400)
				assert.Contains(t, err.Error(), "The crc32 you specified did not match the calculated checksum.")
				in.ChecksumCRC32 = aws.String(want)
				out, err = c.CompleteMultipartUpload(ctx, in)
			}
			require.NoError(t, err)
			assert.Equal(t, want, checksumOf(tt.alg, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256))
			assert.Equal(t, types.ChecksumTypeFullObject, out.ChecksumType)

			got, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(tt.alg), ChecksumMode: types.ChecksumModeEnabled})
			assert.Equal(t, whole, body, "and the SDK validated the full-object checksum")
			assert.Equal(t, want, checksumOf(tt.alg, got.ChecksumCRC32, got.ChecksumCRC32C, got.ChecksumCRC64NVME, got.ChecksumSHA1, got.ChecksumSHA256))
			assert.Equal(t, types.ChecksumTypeFullObject, got.ChecksumType)

			p1, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(tt.alg), PartNumber: aws.Int32(1), ChecksumMode: types.ChecksumModeEnabled})
			assert.Equal(t, parts[0], body)
			assert.Empty(t, checksumOf(tt.alg, p1.ChecksumCRC32, p1.ChecksumCRC32C, p1.ChecksumCRC64NVME, p1.ChecksumSHA1, p1.ChecksumSHA256),
				"a part of a FULL_OBJECT object has no checksum of its own")
		})
	}
}

func TestCreateMultipartUpload_ChecksumSettings(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	s3test.MustCreateBucket(t, c, "bkt")
	tests := []struct {
		name     string
		alg      types.ChecksumAlgorithm
		typ      types.ChecksumType
		wantType types.ChecksumType
		msg      string
	}{
		{"CRC32 defaults to COMPOSITE", "CRC32", "", types.ChecksumTypeComposite, ""},
		{"SHA1 defaults to COMPOSITE", "SHA1", "", types.ChecksumTypeComposite, ""},
		{"CRC64NVME defaults to FULL_OBJECT", "CRC64NVME", "", types.ChecksumTypeFullObject, ""},
		{"CRC32C FULL_OBJECT", "CRC32C", "FULL_OBJECT", types.ChecksumTypeFullObject, ""},
		{"CRC64NVME COMPOSITE", "CRC64NVME", "COMPOSITE", "", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."},
		{"SHA256 FULL_OBJECT", "SHA256", "FULL_OBJECT", "", "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm."},
		{"SHA1 FULL_OBJECT", "SHA1", "FULL_OBJECT", "", "The FULL_OBJECT checksum type cannot be used with the sha1 checksum algorithm."},
		{"type without algorithm", "", "FULL_OBJECT", "", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."},
		{"unknown type", "CRC32", "BADCHECKSUM", "", "Value for x-amz-checksum-type header is invalid."},
		{"unknown algorithm", "INVALIDALGO", "", "", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{
				Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumAlgorithm: tt.alg, ChecksumType: tt.typ,
			})
			if tt.msg != "" {
				apiErr(t, err, "InvalidRequest", 400)
				assert.Contains(t, err.Error(), tt.msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.alg, out.ChecksumAlgorithm)
			assert.Equal(t, tt.wantType, out.ChecksumType)
		})
	}
	ups, err := c.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	assert.Len(t, ups.Uploads, 4, "only the valid requests created uploads")
}

func TestUploadPart_WithoutTheUploadsAlgorithm_IsChecksumTypeMismatch(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "bkt")
		cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumAlgorithm: "CRC32"})
		require.NoError(t, err)

		_, err = c.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId, PartNumber: aws.Int32(1),
			Body: bytes.NewReader([]byte("part")), ChecksumAlgorithm: "CRC32C",
		})
		apiErr(t, err, "InvalidRequest", 400)
		assert.Contains(t, err.Error(), "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: crc32c")

		// No checksum at all: a raw request, since the SDK always sends one.
		url := ts.URL + "/bkt/k?partNumber=1&uploadId=" + aws.ToString(cr.UploadId)
		resp, body := do(t, ts, signedRequest(t, ts, "PUT", url, []byte("part"), nil))
		assert.Equal(t, 400, resp.StatusCode)
		e := parseError(t, body)
		assert.Equal(t, "InvalidRequest", e.Code)
		assert.Equal(t, "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null", e.Message)

		lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId})
		require.NoError(t, err)
		assert.Empty(t, lp.Parts, "a rejected part is not stored")
	})
}

func TestUploadPart_ContentMD5Mismatch_ReportsExpectedDigestInBase64(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	cr, err := ts.Client.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.NoError(t, err)
	wrong := base64.StdEncoding.EncodeToString(make([]byte, 16))
	url := ts.URL + "/bkt/k?partNumber=1&uploadId=" + aws.ToString(cr.UploadId)
	resp, body := do(t, ts, signedRequest(t, ts, "PUT", url, []byte("part"), map[string]string{"Content-MD5": wrong}))
	assert.Equal(t, 400, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "BadDigest", e.Code)
	assert.Equal(t, wrong, e.Elem("ExpectedDigest"))
}

func TestCompleteMultipartUpload_PartChecksumRules(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "bkt")
	data := []byte("a single part may be short")
	id, done := uploadChecksummedParts(t, c, "k", "CRC32", "", [][]byte{data})
	good := done[0]
	etag := aws.ToString(good.ETag)
	part := func(edit func(p *types.CompletedPart)) []types.CompletedPart {
		p := types.CompletedPart{ETag: good.ETag, PartNumber: good.PartNumber}
		edit(&p)
		return []types.CompletedPart{p}
	}
	composite := compositeOf(t, "CRC32", data)
	digest := composite[:len(composite)-2]

	tests := []struct {
		name  string
		parts []types.CompletedPart
		edit  func(in *s3.CompleteMultipartUploadInput)
		code  string
		msg   string
	}{
		{"part listed without its checksum", part(func(p *types.CompletedPart) {}), nil, "InvalidRequest",
			"The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request."},
		{"wrong part checksum", part(func(p *types.CompletedPart) { p.ChecksumCRC32 = aws.String(sumOf(t, "CRC32", []byte("x"))) }), nil, "InvalidPart",
			"One or more of the specified parts could not be found."},
		{"another algorithm's checksum", part(func(p *types.CompletedPart) { p.ChecksumCRC32C = aws.String(sumOf(t, "CRC32C", data)) }), nil, "BadDigest",
			"The crc32c you specified for part 1 did not match what we received."},
		{"not base64 of a CRC32", part(func(p *types.CompletedPart) { p.ChecksumCRC32 = aws.String("y/Q5Jh") }), nil, "InvalidArgument",
			"Invalid Base64 or multiple checksums present in request"},
		{"wrong object checksum header", done, func(in *s3.CompleteMultipartUploadInput) {
			in.ChecksumCRC32 = aws.String(sumOf(t, "CRC32", []byte("x")))
		},
			"BadDigest", "The crc32 you specified did not match the calculated checksum."},
		{"object checksum with the wrong part count", done, func(in *s3.CompleteMultipartUploadInput) { in.ChecksumCRC32 = aws.String(digest + "-2") },
			"BadDigest", "The crc32 you specified did not match the calculated checksum."},
		{"object checksum with a malformed part count", done, func(in *s3.CompleteMultipartUploadInput) { in.ChecksumCRC32 = aws.String(digest + "-a") },
			"InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid."},
		{"other checksum type", done, func(in *s3.CompleteMultipartUploadInput) { in.ChecksumType = types.ChecksumTypeFullObject },
			"InvalidRequest", "The upload was created using the COMPOSITE checksum mode. The complete request must use the same checksum mode."},
		{"wrong x-amz-mp-object-size", done, func(in *s3.CompleteMultipartUploadInput) { in.MpuObjectSize = aws.Int64(5) },
			"InvalidRequest", "The provided 'x-amz-mp-object-size' header value 5 does not match what was computed: 26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: aws.String(id),
				MultipartUpload: &types.CompletedMultipartUpload{Parts: tt.parts}}
			if tt.edit != nil {
				tt.edit(in)
			}
			_, err := c.CompleteMultipartUpload(ctx, in)
			apiErr(t, err, tt.code, 400)
			assert.Contains(t, err.Error(), tt.msg)
			_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
			apiErr(t, err, "NotFound", 404)
		})
	}
	t.Run("extra error elements", func(t *testing.T) {
		// The SDK hides extra elements; read them raw.
		doc := `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + etag +
			`</ETag><ChecksumCRC32>` + sumOf(t, "CRC32", []byte("x")) + `</ChecksumCRC32></Part></CompleteMultipartUpload>`
		resp, body := do(t, ts, signedRequest(t, ts, "POST", ts.URL+"/bkt/k?uploadId="+id, []byte(doc), nil))
		assert.Equal(t, 400, resp.StatusCode)
		e := parseError(t, body)
		assert.Equal(t, "InvalidPart", e.Code)
		assert.Equal(t, id, e.Elem("UploadId"))
		assert.Equal(t, "1", e.Elem("PartNumber"))
		assert.Equal(t, etag[1:len(etag)-1], e.Elem("ETag"))

		doc = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + etag +
			`</ETag><ChecksumCRC32>y/Q5Jh</ChecksumCRC32></Part></CompleteMultipartUpload>`
		resp, body = do(t, ts, signedRequest(t, ts, "POST", ts.URL+"/bkt/k?uploadId="+id, []byte(doc), nil))
		assert.Equal(t, 400, resp.StatusCode)
		e = parseError(t, body)
		assert.Equal(t, "InvalidArgument", e.Code)
		assert.Equal(t, "Checksum", e.Elem("ArgumentName"))
		assert.Equal(t, "CRC32:y/Q5Jh;", e.Elem("ArgumentValue"))
	})

	out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}, ChecksumCRC32: aws.String(composite), ChecksumType: types.ChecksumTypeComposite,
		MpuObjectSize: aws.Int64(int64(len(data)))})
	require.NoError(t, err, "the upload survived every rejected attempt")
	assert.Equal(t, composite, aws.ToString(out.ChecksumCRC32))
	assert.Equal(t, string(data), s3test.MustGetBody(t, c, "bkt", "k"))
}

func TestCompleteMultipartUpload_UploadWithoutAlgorithm(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	// S3 gives the parts of an upload created without an algorithm, and
	// the object, its default CRC64NVME, whatever checksum the parts came
	// with; a client at WhenRequired sends none.
	bare := s3.New(ts.Client.Options(), func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	parts := twoParts()
	cr, err := bare.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Empty(t, cr.ChecksumAlgorithm)
	var done []types.CompletedPart
	// Part 1 at the SDK defaults (a CRC32), part 2 with no checksum.
	out1, err := ts.Client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(parts[0])})
	require.NoError(t, err)
	assert.Equal(t, sumOf(t, "CRC32", parts[0]), aws.ToString(out1.ChecksumCRC32), "the client's checksum is echoed")
	out2, err := bare.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(2), Body: bytes.NewReader(parts[1])})
	require.NoError(t, err)
	assert.Nil(t, out2.ChecksumCRC64NVME, "a checksum the client did not send is not echoed")
	done = append(done, types.CompletedPart{ETag: out1.ETag, PartNumber: aws.Int32(1)}, types.CompletedPart{ETag: out2.ETag, PartNumber: aws.Int32(2)})
	lp, err := bare.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId})
	require.NoError(t, err)
	require.Len(t, lp.Parts, 2)
	for i, p := range lp.Parts {
		assert.Equal(t, sumOf(t, verifier.CRC64NVME, parts[i]), aws.ToString(p.ChecksumCRC64NVME), "S3's default part checksum")
	}

	// Listing a part checksum for an upload created without an algorithm
	// is InvalidPart on AWS, even when the value is right: seen with the
	// SDKs' default CRC32 part checksums (aws/aws-sdk-go-v2#3005,
	// aws/aws-sdk-java-v2#6518).
	withSum := []types.CompletedPart{done[0], done[1]}
	withSum[0].ChecksumCRC32 = aws.String(sumOf(t, "CRC32", parts[0]))
	_, err = bare.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: withSum}})
	apiErr(t, err, "InvalidPart", 400)

	out, err := bare.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	require.NoError(t, err)
	whole := append(append([]byte(nil), parts[0]...), parts[1]...)
	assert.Equal(t, sumOf(t, verifier.CRC64NVME, whole), aws.ToString(out.ChecksumCRC64NVME))
	assert.Equal(t, types.ChecksumTypeFullObject, out.ChecksumType)
	_, body := getObjectChecked(t, ts.Client, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	assert.Equal(t, whole, body)
}

func TestUploadPartCopy_GetsAChecksumOfTheUploadsAlgorithm(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "bkt")
	src := payload(4000)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src"), Body: bytes.NewReader(src)})
	require.NoError(t, err)
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("dst"), ChecksumAlgorithm: "SHA1"})
	require.NoError(t, err)
	cp, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("bkt"), Key: aws.String("dst"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("bkt/src"), CopySourceRange: aws.String("bytes=1000-2999")})
	require.NoError(t, err)
	assert.Equal(t, sumOf(t, "SHA1", src[1000:3000]), aws.ToString(cp.CopyPartResult.ChecksumSHA1))
	out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("dst"), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{
			ETag: cp.CopyPartResult.ETag, PartNumber: aws.Int32(1), ChecksumSHA1: cp.CopyPartResult.ChecksumSHA1}}}})
	require.NoError(t, err)
	assert.Equal(t, compositeOf(t, "SHA1", src[1000:3000]), aws.ToString(out.ChecksumSHA1))
}

func TestCopyObject_KeepsTheSourceAlgorithm(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "bkt")
	data := payload(3000)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src"), Body: bytes.NewReader(data), ChecksumAlgorithm: "SHA256"})
	require.NoError(t, err)
	out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dst"), CopySource: aws.String("bkt/src")})
	require.NoError(t, err)
	assert.Equal(t, sumOf(t, "SHA256", data), aws.ToString(out.CopyObjectResult.ChecksumSHA256))
	out, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dst2"), CopySource: aws.String("bkt/src"), ChecksumAlgorithm: "CRC32C"})
	require.NoError(t, err)
	assert.Equal(t, sumOf(t, "CRC32C", data), aws.ToString(out.CopyObjectResult.ChecksumCRC32C))
	_, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dst2"), ChecksumMode: types.ChecksumModeEnabled})
	assert.Equal(t, data, body)
}

func TestUploader_20MiBNonSeekableStreamOverTLS_RoundTripsWithCompositeCRC32(t *testing.T) {
	ts := NewTestServer(t, WithTLS())
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	data := payload(20 << 20)
	up := manager.NewUploader(ts.Client, func(u *manager.Uploader) { u.Concurrency = 2 })
	out, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("big"), Body: onlyReader{bytes.NewReader(data)}})
	require.NoError(t, err)
	parts := [][]byte{data[:5<<20], data[5<<20 : 10<<20], data[10<<20 : 15<<20], data[15<<20:]}
	want := compositeOf(t, "CRC32", parts...)
	assert.Equal(t, want, aws.ToString(out.ChecksumCRC32), "the manager asks for CRC32 by default")
	head, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("big"), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	assert.Equal(t, want, aws.ToString(head.ChecksumCRC32))
	assert.Equal(t, types.ChecksumTypeComposite, head.ChecksumType)
	_, body := getObjectChecked(t, ts.Client, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("big")})
	assert.True(t, bytes.Equal(data, body), "20 MiB round trip")
}
