package emulator

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/emulator/access"
)

func TestDocCache_ReparsesChangedDocumentsAndStaysBounded(t *testing.T) {
	var pc docCache[*access.BucketPolicy]
	doc := func(sid string) []byte {
		return []byte(`{"Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	}
	p1, err := pc.parse("b", doc("A"), parsePolicyFor("b"))
	require.NoError(t, err)
	again, err := pc.parse("b", doc("A"), parsePolicyFor("b"))
	require.NoError(t, err)
	assert.Same(t, p1, again, "the same document is parsed once")
	p2, err := pc.parse("b", doc("B"), parsePolicyFor("b"))
	require.NoError(t, err)
	assert.Equal(t, "B", p2.Statements[0].Label, "a changed document is parsed again")

	_, err = pc.parse("b", []byte(`{`), parsePolicyFor("b"))
	assert.Error(t, err, "a bad document is an error, never served from the cache")

	for i := range maxCachedDocs + 10 {
		bucket := fmt.Sprintf("b%d", i)
		_, err := pc.parse(bucket, []byte(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+bucket+`/*"}]}`), parsePolicyFor(bucket))
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, len(pc.entries), maxCachedDocs)
}

func parsePolicyFor(bucket string) func([]byte) (*access.BucketPolicy, error) {
	return func(doc []byte) (*access.BucketPolicy, error) { return access.ParseBucketPolicy(doc, bucket) }
}
