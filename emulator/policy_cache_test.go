package emulator

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyCache_ReparsesChangedDocumentsAndStaysBounded(t *testing.T) {
	var pc policyCache
	doc := func(sid string) []byte {
		return []byte(`{"Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	}
	p1, err := pc.parse("b", doc("A"))
	require.NoError(t, err)
	again, err := pc.parse("b", doc("A"))
	require.NoError(t, err)
	assert.Same(t, p1, again, "the same document is parsed once")
	p2, err := pc.parse("b", doc("B"))
	require.NoError(t, err)
	assert.Equal(t, "B", p2.Statements[0].Label, "a changed document is parsed again")

	_, err = pc.parse("b", []byte(`{`))
	assert.Error(t, err, "a bad document is an error, never served from the cache")

	for i := range maxCachedPolicies + 10 {
		bucket := fmt.Sprintf("b%d", i)
		_, err := pc.parse(bucket, []byte(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+bucket+`/*"}]}`))
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, len(pc.entries), maxCachedPolicies)
}
