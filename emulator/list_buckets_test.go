package emulator

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

func bucketNames(out *s3.ListBucketsOutput) []string {
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	return names
}

func TestListBuckets_MaxBuckets_PaginatesWithContinuationToken(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	all := []string{"alpha-1", "alpha-2", "alpha-3", "beta-1", "beta-2"}
	for _, b := range all {
		s3test.MustCreateBucket(t, ts.Client, b)
	}
	tests := []struct {
		name   string
		in     s3.ListBucketsInput
		pages  [][]string
		prefix *string
	}{
		{"two per page", s3.ListBucketsInput{MaxBuckets: aws.Int32(2)},
			[][]string{{"alpha-1", "alpha-2"}, {"alpha-3", "beta-1"}, {"beta-2"}}, nil},
		{"page size equal to the count", s3.ListBucketsInput{MaxBuckets: aws.Int32(5)}, [][]string{all}, nil},
		{"prefix", s3.ListBucketsInput{MaxBuckets: aws.Int32(2), Prefix: aws.String("alpha-")},
			[][]string{{"alpha-1", "alpha-2"}, {"alpha-3"}}, aws.String("alpha-")},
		{"prefix is case-sensitive", s3.ListBucketsInput{Prefix: aws.String("ALPHA")}, [][]string{nil}, aws.String("ALPHA")},
		{"bucket-region of the buckets", s3.ListBucketsInput{BucketRegion: aws.String("us-east-1"), MaxBuckets: aws.Int32(10)}, [][]string{all}, nil},
		{"bucket-region of no bucket", s3.ListBucketsInput{BucketRegion: aws.String("eu-west-1")}, [][]string{nil}, nil},
		{"empty continuation token starts at the first bucket", s3.ListBucketsInput{MaxBuckets: aws.Int32(3), ContinuationToken: aws.String("")},
			[][]string{{"alpha-1", "alpha-2", "alpha-3"}, {"beta-1", "beta-2"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			var got [][]string
			for {
				out, err := ts.Client.ListBuckets(ctx, &in)
				require.NoError(t, err)
				got = append(got, bucketNames(out))
				assert.Equal(t, tc.prefix, out.Prefix)
				if out.ContinuationToken == nil {
					break
				}
				require.Less(t, len(got), 10, "pagination must end")
				in.ContinuationToken = out.ContinuationToken
			}
			assert.Equal(t, tc.pages, got)
		})
	}

	// The SDK's paginator walks the same pages.
	p := s3.NewListBucketsPaginator(ts.Client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	var walked []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		walked = append(walked, bucketNames(out)...)
	}
	assert.Equal(t, all, walked)
}

func TestListBuckets_Unpaginated_HasNoTokenNorPrefix(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "only")
	// An empty max-buckets is no limit, as S3 takes an empty max-parts.
	for _, path := range []string{"/", "/?max-buckets=", "/?continuation-token="} {
		resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+path, nil, nil))
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
		assert.Contains(t, string(body), "<Name>only</Name>", path)
		assert.NotContains(t, string(body), "ContinuationToken", path)
		assert.NotContains(t, string(body), "<Prefix", path)
	}
}

func TestListBuckets_BadParameters_AreInvalidArgument(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "some")
	const outOfRange = "Argument max-buckets must be an integer between 1 and 10000."
	const notInteger = "Provided max-buckets not an integer or within integer range"
	tests := []struct {
		query, message, argName, argValue string
	}{
		{"max-buckets=0", outOfRange, "max-buckets", "0"},
		{"max-buckets=-3", outOfRange, "max-buckets", "-3"},
		{"max-buckets=10001", outOfRange, "max-buckets", "10001"},
		{"max-buckets=2000000", outOfRange, "max-buckets", "2000000"},
		{"max-buckets=abc", notInteger, "max-buckets", "abc"},
		{"max-buckets=99999999999", notInteger, "max-buckets", "99999999999"},
		{"continuation-token=" + url.QueryEscape("not base64!"), "The continuation token provided is incorrect", "continuation-token", ""},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/?"+tc.query, nil, nil))
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
			e := parseError(t, body)
			assert.Equal(t, "InvalidArgument", e.Code)
			assert.Equal(t, tc.message, e.Message)
			assert.Equal(t, tc.argName, e.Elem("ArgumentName"))
			assert.Equal(t, tc.argValue, e.Elem("ArgumentValue"))
		})
	}
	// The SDK reports the same error.
	_, err := ts.Client.ListBuckets(context.Background(), &s3.ListBucketsInput{MaxBuckets: aws.Int32(0)})
	apiErr(t, err, "InvalidArgument", http.StatusBadRequest)
}
