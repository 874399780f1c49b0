package emulator

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

func TestBuckets_CreateListHeadDelete(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "bucket-b")
		s3test.MustCreateBucket(t, c, "bucket-a")

		lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err)
		require.Len(t, lb.Buckets, 2)
		assert.Equal(t, "bucket-a", aws.ToString(lb.Buckets[0].Name))
		assert.Equal(t, "bucket-b", aws.ToString(lb.Buckets[1].Name))
		assert.NotNil(t, lb.Owner)

		_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("bucket-a")})
		require.NoError(t, err)
		_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket")})
		require.Error(t, err)
		assert.Equal(t, http.StatusNotFound, httpStatus(t, err))

		s3test.MustPutObject(t, c, "bucket-a", "k", "x")
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("bucket-a")})
		apiErr(t, err, "BucketNotEmpty", http.StatusConflict)

		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bucket-a"), Key: aws.String("k")})
		require.NoError(t, err)
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("bucket-a")})
		require.NoError(t, err)
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("bucket-a")})
		apiErr(t, err, "NoSuchBucket", http.StatusNotFound)
	})
}

func TestCreateBucket_InvalidName_IsInvalidBucketName(t *testing.T) {
	ts := NewTestServer(t)
	for _, name := range []string{"ab", "Upper-Case", "under_score", "192.168.1.1", "-dash-start", "a..b"} {
		_, err := ts.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
		apiErr(t, err, "InvalidBucketName", http.StatusBadRequest)
	}
}

func TestCreateBucket_ReCreateOwned_Is200InUSEast1(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "mine")
	s3test.MustPutObject(t, ts.Client, "mine", "k", "kept")
	// S3's legacy us-east-1 behaviour: re-creating your own bucket succeeds.
	s3test.MustCreateBucket(t, ts.Client, "mine")
	assert.Equal(t, "kept", s3test.MustGetBody(t, ts.Client, "mine", "k"))
}

func TestCreateBucket_ReCreateOwned_IsBucketAlreadyOwnedByYouElsewhere(t *testing.T) {
	ts := NewTestServer(t, WithRegion("eu-west-1"))
	cfg := &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}
	_, err := ts.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("mine"), CreateBucketConfiguration: cfg})
	require.NoError(t, err)
	_, err = ts.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("mine"), CreateBucketConfiguration: cfg})
	apiErr(t, err, "BucketAlreadyOwnedByYou", http.StatusConflict)
}

func TestCreateBucket_LocationConstraint_AsS3ChecksIt(t *testing.T) {
	tests := []struct {
		name    string
		region  string
		lc      types.BucketLocationConstraint
		code    string
		message string
	}{
		{"us-east-1 without constraint", "us-east-1", "", "", ""},
		{"us-east-1 naming itself is invalid", "us-east-1", "us-east-1", "InvalidLocationConstraint", "The specified location-constraint is not valid"},
		{"us-east-1 with another region", "us-east-1", "eu-west-1", "IllegalLocationConstraintException",
			"The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to."},
		{"eu-west-1 with its own region", "eu-west-1", "eu-west-1", "", ""},
		{"eu-west-1 without constraint", "eu-west-1", "", "IllegalLocationConstraintException",
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."},
		{"eu-west-1 with another region", "eu-west-1", "us-west-2", "IllegalLocationConstraintException",
			"The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := NewTestServer(t, WithRegion(tc.region))
			in := &s3.CreateBucketInput{Bucket: aws.String("located")}
			if tc.lc != "" {
				in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: tc.lc}
			}
			_, err := ts.Client.CreateBucket(context.Background(), in)
			if tc.code == "" {
				require.NoError(t, err)
				loc, err := ts.Client.GetBucketLocation(context.Background(), &s3.GetBucketLocationInput{Bucket: aws.String("located")})
				require.NoError(t, err)
				want := tc.region
				if want == "us-east-1" {
					want = "" // S3 reports us-east-1 as an empty constraint
				}
				assert.Equal(t, want, string(loc.LocationConstraint))
				return
			}
			apiErr(t, err, tc.code, http.StatusBadRequest)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}
