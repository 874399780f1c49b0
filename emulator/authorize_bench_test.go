package emulator

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// BenchmarkAuthorize measures what authorization costs a request: the
// owner, policy and Block Public Access reads, parsing the policy and
// evaluating it, for a bucket without a policy and one with 20 statements.
func BenchmarkAuthorize(b *testing.B) {
	ts := NewTestServer(b, WithLogger(nil))
	ctx := context.Background()
	s3test.MustCreateBucket(b, ts.Client, "plain")
	s3test.MustCreateBucket(b, ts.Client, "policed")
	_, err := ts.Client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("policed")})
	if err != nil {
		b.Fatal(err)
	}
	var st []string
	for i := range 19 {
		st = append(st, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Principal":{"AWS":"1111222233%02d"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::policed/p%d/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, i, i, i))
	}
	st = append(st, `{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::policed/*"}`)
	_, err = ts.Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("policed"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`)})
	if err != nil {
		b.Fatal(err)
	}
	for _, bucket := range []string{"plain", "policed"} {
		b.Run(bucket, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "http://h/"+bucket+"/k", nil)
			c := &call{r: r, query: r.URL.Query(), bucket: bucket, key: "k",
				auth: &verifier.Result{Identity: verifier.Identity{Auth: verifier.AuthAnonymous}}}
			b.ReportAllocs()
			for b.Loop() {
				_ = ts.Server.allow(c, "s3:GetObject", bucket, "k")
			}
		})
	}
}
