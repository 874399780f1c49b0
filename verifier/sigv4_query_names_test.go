package verifier

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queryAuthNames is what isQueryAuthName recognises, in lower case.
var queryAuthNames = []string{"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
	"x-amz-signedheaders", "x-amz-signature", "x-amz-security-token"}

func TestIsQueryAuthName_IsLowerCaseMembership(t *testing.T) {
	names := []string{"", "x-amz-", "x-amz-meta-a", "x-amz-dat", "x-amz-datE2", "x-amz-signaturE", "X-AMZ-ALGORITHM",
		"x-amz-algorithn", "x-amz-signedheader", "x-amz-security-tokens", "x-amz-content-sha256", "response-content-type",
		"x-amz-ſecurity-token", "X-Amz-Credential\x00"}
	for _, n := range queryAuthNames {
		names = append(names, n, strings.ToUpper(n), strings.ToUpper(n[:1])+n[1:])
	}
	for _, n := range names {
		want := false
		for _, a := range queryAuthNames {
			want = want || strings.ToLower(n) == a
		}
		assert.Equal(t, want, isQueryAuthName(n), "%q", n)
	}
}

// The six parameters are matched exactly, as S3 does, and each maps to
// its own slot.
func TestV4QueryAuthIndex_ExactNames(t *testing.T) {
	for i, n := range v4QueryAuthParams {
		assert.Equal(t, i, v4QueryAuthIndex(n), n)
		assert.Equal(t, -1, v4QueryAuthIndex(strings.ToLower(n)), n)
		assert.Equal(t, -1, v4QueryAuthIndex(n+" "), n)
	}
	assert.Equal(t, -1, v4QueryAuthIndex(qSecurityToken))
	assert.Equal(t, -1, v4QueryAuthIndex(""))
}

// A repeated parameter counts by its first value, as it did with one scan
// per name.
func TestParsePresigned_FirstValueOfARepeatedParameterWins(t *testing.T) {
	raw := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260221%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20260221T103000Z&X-Amz-Expires=60&X-Amz-Expires=999999999&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=first&X-Amz-Credential=other%2F20260222%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=second"
	p, err := parsePresigned(parseRawQuery(raw), "us-east-1")
	require.Nil(t, err)
	assert.Equal(t, "AKID", p.cred.accessKey)
	assert.Equal(t, "first", p.signature)
	assert.Equal(t, 60*time.Second, p.expires)
}

// isAmzName compares bytes; strings.EqualFold of the prefix is what it
// stands for. Every byte value in every prefix position is tried.
func TestIsAmzName_IsEqualFoldOfThePrefix(t *testing.T) {
	for pos := range len("x-amz-") {
		for c := range 256 {
			name := []byte("X-Amz-Meta")
			name[pos] = byte(c)
			want := strings.EqualFold(string(name[:6]), "x-amz-")
			assert.Equal(t, want, isAmzName(string(name)), "%q", name)
		}
	}
	for _, n := range []string{"", "x-amz", "x-amz-", "X-AMZ-", "x-amzz", "ｘ-amz-a", "x-amz\u2010a"} {
		assert.Equal(t, len(n) >= 6 && strings.EqualFold(n[:6], "x-amz-"), isAmzName(n), "%q", n)
	}
}

func TestSortEncodedPairs_SameAsSortFunc(t *testing.T) {
	keys := []string{"a", "b", "X-Amz-Date", "X-Amz-Credential", "a%2Fb", "", "response-content-type", "b"}
	for n := 0; n <= 2*insertionSortedPairs; n++ {
		for seed := range 5 {
			pairs := make([]encodedPair, n)
			for i := range pairs {
				pairs[i] = encodedPair{keys[(i*7+seed*3)%len(keys)], keys[(i*5+seed)%len(keys)]}
			}
			want := slices.Clone(pairs)
			slices.SortFunc(want, compareEncodedPairs)
			sortEncodedPairs(pairs)
			assert.Equal(t, want, pairs, "%d pairs, seed %d", n, seed)
		}
	}
}

func TestParseExpires_IsParseInt(t *testing.T) {
	for _, s := range []string{"", "0", "1", "3600", "604800", "604801", "000123", "999999999999999999", "9999999999999999999",
		"9223372036854775807", "9223372036854775808", "-1", "+1", "-0", "1e3", "12a", " 1", "1 ", "0x10", "١٢"} {
		want, wantErr := strconv.ParseInt(s, 10, 64)
		got, err := parseExpires(s)
		assert.Equal(t, want, got, "%q", s)
		assert.Equal(t, wantErr, err, "%q", s)
	}
}
