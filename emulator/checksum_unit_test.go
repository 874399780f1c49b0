package emulator

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stricts3/stricts3/emulator/store"
)

func TestReadChecksum_OnlyForExactlyTheBytesSent(t *testing.T) {
	simple := store.ObjectInfo{Size: 10, Meta: store.ObjectMeta{Checksum: &store.Checksum{Algorithm: "CRC32", Value: "whole", Type: "FULL_OBJECT"}}}
	composite := store.ObjectInfo{Size: 10, PartSizes: []int64{6, 4}, PartChecksums: []string{"p1", "p2"},
		Meta: store.ObjectMeta{Checksum: &store.Checksum{Algorithm: "SHA1", Value: "c-2", Type: "COMPOSITE"}}}
	fullMP := composite
	fullMP.PartChecksums = nil
	fullMP.Meta.Checksum = &store.Checksum{Algorithm: "CRC64NVME", Value: "f", Type: "FULL_OBJECT"}
	tests := []struct {
		name string
		info store.ObjectInfo
		rng  *store.Range
		part int
		want string
	}{
		{"whole object", simple, nil, 0, "whole"},
		{"range over all bytes", simple, &store.Range{Start: 0, Length: 10}, 0, "whole"},
		{"range missing the last byte", simple, &store.Range{Start: 0, Length: 9}, 0, ""},
		{"range from the second byte", simple, &store.Range{Start: 1, Length: 9}, 0, ""},
		{"part 1 of a simple object is all of it", simple, nil, 1, "whole"},
		{"whole composite object", composite, nil, 0, "c-2"},
		{"part of a composite object: its own checksum", composite, &store.Range{Start: 6, Length: 4}, 2, "p2"},
		{"part of a full-object multipart object", fullMP, &store.Range{Start: 0, Length: 6}, 1, ""},
		{"no stored checksum", store.ObjectInfo{Size: 3}, nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readChecksum(tt.info, tt.rng, tt.part)
			if tt.want == "" {
				assert.Nil(t, got)
				return
			}
			if assert.NotNil(t, got) {
				assert.Equal(t, tt.want, got.Value)
				assert.Equal(t, tt.info.Meta.Checksum.Algorithm, got.Algorithm)
				assert.Equal(t, tt.info.Meta.Checksum.Type, got.Type)
			}
		})
	}
}

func TestCompositeValue_SuffixIsAPositivePartCount(t *testing.T) {
	tests := []struct {
		in     string
		digest string
		n      int
		ok     bool
	}{
		{"abc=", "abc=", -1, true},
		{"abc=-3", "abc=", 3, true},
		{"abc=-0", "", 0, false},
		{"abc=-a", "", 0, false},
		{"abc=-03", "", 0, false},
		{"abc=-", "", 0, false},
	}
	for _, tt := range tests {
		d, n, ok := compositeValue(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		if tt.ok {
			assert.Equal(t, tt.digest, d, tt.in)
			assert.Equal(t, tt.n, n, tt.in)
		}
	}
}

func TestDeclaredChecksumAlg_HeaderOrTrailer(t *testing.T) {
	tests := []struct {
		h    http.Header
		want string
	}{
		{http.Header{"X-Amz-Checksum-Crc32c": {"x"}}, "CRC32C"},
		{http.Header{"X-Amz-Trailer": {"x-amz-checksum-sha256"}}, "SHA256"},
		{http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Checksum-Algorithm": {"CRC32"}, "X-Amz-Checksum-Type": {"COMPOSITE"}}, ""},
		{http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}, ""},
		{http.Header{}, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, declaredChecksumAlg(tt.h), "%v", tt.h)
	}
}
