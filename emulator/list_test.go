package emulator

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

func listFixture(t *testing.T, c *s3.Client) []string {
	s3test.MustCreateBucket(t, c, "listing")
	keys := []string{"a.txt", "dir/one", "dir/sub/two", "dir/three", "m n.txt", "z"}
	for i := range 7 {
		keys = append(keys, fmt.Sprintf("p/%02d", i))
	}
	for _, k := range keys {
		s3test.MustPutObject(t, c, "listing", k, k)
	}
	return keys
}

func TestListObjectsV2_PaginatorVisitsEveryKeyOnce(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		keys := listFixture(t, c)
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("listing"), MaxKeys: aws.Int32(3)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(context.Background())
			require.NoError(t, err)
			pages++
			assert.LessOrEqual(t, len(out.Contents), 3)
			assert.Equal(t, int32(len(out.Contents)), aws.ToInt32(out.KeyCount))
			for _, o := range out.Contents {
				got = append(got, aws.ToString(o.Key))
				assert.Nil(t, o.Owner, "no owner without fetch-owner")
			}
		}
		assert.ElementsMatch(t, keys, got)
		assert.IsIncreasing(t, got)
		assert.Equal(t, 5, pages)
	})
}

func TestListObjectsV2_PrefixDelimiterStartAfterFetchOwner(t *testing.T) {
	ts := NewTestServer(t)
	listFixture(t, ts.Client)
	ctx := context.Background()

	out, err := ts.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("listing"), Delimiter: aws.String("/")})
	require.NoError(t, err)
	var keys, prefixes []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	for _, p := range out.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(p.Prefix))
	}
	assert.Equal(t, []string{"a.txt", "m n.txt", "z"}, keys)
	assert.Equal(t, []string{"dir/", "p/"}, prefixes)
	assert.Equal(t, int32(5), aws.ToInt32(out.KeyCount))

	out, err = ts.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("listing"), Prefix: aws.String("dir/"), Delimiter: aws.String("/"), FetchOwner: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, out.Contents, 2)
	assert.Equal(t, "dir/one", aws.ToString(out.Contents[0].Key))
	assert.Equal(t, "dir/three", aws.ToString(out.Contents[1].Key))
	require.NotNil(t, out.Contents[0].Owner)
	require.Len(t, out.CommonPrefixes, 1)
	assert.Equal(t, "dir/sub/", aws.ToString(out.CommonPrefixes[0].Prefix))

	out, err = ts.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("listing"), StartAfter: aws.String("p/04")})
	require.NoError(t, err)
	require.Len(t, out.Contents, 3)
	assert.Equal(t, "p/05", aws.ToString(out.Contents[0].Key))
	assert.Equal(t, "p/04", aws.ToString(out.StartAfter))
}

func TestListObjectsV2_EncodingTypeURL_EncodesKeysAndPrefixes(t *testing.T) {
	ts := NewTestServer(t)
	listFixture(t, ts.Client)
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/listing?list-type=2&encoding-type=url&prefix=m%20", nil, nil))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), "<Key>m+n.txt</Key>")
	assert.Contains(t, string(body), "<Prefix>m+</Prefix>")
	assert.Contains(t, string(body), "<EncodingType>url</EncodingType>")
}

func TestListObjects_InvalidArguments(t *testing.T) {
	ts := NewTestServer(t)
	listFixture(t, ts.Client)
	tests := []struct {
		query, argument string
	}{
		{"list-type=2&max-keys=-1", "max-keys"},
		{"list-type=2&max-keys=abc", "max-keys"},
		{"max-keys=-1", "max-keys"},
		{"list-type=2&encoding-type=base64", "encoding-type"},
		{"list-type=2&continuation-token=%21%21", "continuation-token"},
	}
	for _, tc := range tests {
		resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/listing?"+tc.query, nil, nil))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, tc.query)
		e := parseError(t, body)
		assert.Equal(t, "InvalidArgument", e.Code, tc.query)
		assert.Equal(t, tc.argument, e.Elem("ArgumentName"), tc.query)
	}
}

func TestListObjectsV2_MaxKeysZeroAndCap(t *testing.T) {
	ts := NewTestServer(t)
	listFixture(t, ts.Client)
	out, err := ts.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("listing"), MaxKeys: aws.Int32(0)})
	require.NoError(t, err)
	assert.Empty(t, out.Contents)
	assert.Equal(t, int32(0), aws.ToInt32(out.KeyCount))
	out, err = ts.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("listing"), MaxKeys: aws.Int32(5000)})
	require.NoError(t, err)
	assert.Equal(t, int32(1000), aws.ToInt32(out.MaxKeys))
	assert.Len(t, out.Contents, 13)
}

func TestListObjectsV1_MarkerPaging_NextMarkerOnlyWithDelimiter(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		keys := listFixture(t, c)
		ctx := context.Background()
		var got []string
		marker := ""
		for {
			out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("listing"), MaxKeys: aws.Int32(4), Marker: aws.String(marker)})
			require.NoError(t, err)
			assert.Nil(t, out.NextMarker, "no NextMarker without a delimiter")
			for _, o := range out.Contents {
				got = append(got, aws.ToString(o.Key))
				assert.NotNil(t, o.Owner, "ListObjects v1 always names the owner")
				assert.Equal(t, types.ObjectStorageClassStandard, o.StorageClass)
			}
			if !aws.ToBool(out.IsTruncated) {
				break
			}
			marker = got[len(got)-1]
		}
		assert.ElementsMatch(t, keys, got)

		out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("listing"), MaxKeys: aws.Int32(2), Delimiter: aws.String("/")})
		require.NoError(t, err)
		require.True(t, aws.ToBool(out.IsTruncated))
		assert.Equal(t, "dir/", aws.ToString(out.NextMarker))
	})
}

func TestListObjects_NoSuchBucket(t *testing.T) {
	ts := NewTestServer(t)
	_, err := ts.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("absent")})
	apiErr(t, err, "NoSuchBucket", http.StatusNotFound)
}
