package store

import (
	"bytes"
	"crypto/md5"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sized is a SizedBody declaring size, whatever it really yields.
type sized struct {
	io.Reader
	size int64
}

func (s sized) ExpectedSize() int64 { return s.size }

// hashedSized is a SizedBody that is also a HashedBody, as the emulator's
// verified bodies are.
type hashedSized struct{ sized }

func (hashedSized) MD5() []byte { return make([]byte, md5.Size) }

// pieceRecorder remembers the largest Read it was asked for.
type pieceRecorder struct {
	io.Reader
	largest int
}

func (p *pieceRecorder) Read(b []byte) (int, error) {
	p.largest = max(p.largest, len(b))
	return p.Reader.Read(b)
}

func TestReadChunks_BodiesOfEveryShape_KeepBytesAndMD5(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 700_000) // 7 MB: several reads, several chunks
	tests := []struct {
		name       string
		data       []byte
		body       func([]byte) io.Reader
		wantChunks int
	}{
		{"declared size, exact", big, func(b []byte) io.Reader { return sized{bytes.NewReader(b), int64(len(b))} }, 1},
		// Pieces above and below pipelineMin, hashed on and off the reading goroutine, in order.
		{"declared size, half reads", big, func(b []byte) io.Reader { return sized{iotest.HalfReader(bytes.NewReader(b)), int64(len(b))} }, 1},
		{"declared size, one byte at a time", []byte("tiny body"), func(b []byte) io.Reader { return sized{iotest.OneByteReader(bytes.NewReader(b)), int64(len(b))} }, 1},
		{"declared zero, empty", nil, func(b []byte) io.Reader { return sized{bytes.NewReader(b), 0} }, 0},
		{"declares less than it yields", big, func(b []byte) io.Reader { return sized{bytes.NewReader(b), 1000} }, 9},
		{"declares more than it yields", big[:5000], func(b []byte) io.Reader { return sized{bytes.NewReader(b), 1 << 20} }, 1},
		{"no declared size", big, func(b []byte) io.Reader { return bytes.NewReader(b) }, 8},
		{"no declared size, data with EOF", big[:100], func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, sum, err := readChunks(tt.body(tt.data))
			require.NoError(t, err)
			assert.Equal(t, tt.wantChunks, len(data), "chunks")
			var joined []byte
			for _, c := range data {
				joined = append(joined, c...)
				assert.GreaterOrEqual(t, len(c), cap(c)-cap(c)/4, "no chunk keeps more than a quarter unused")
			}
			assert.True(t, bytes.Equal(tt.data, joined), "bytes kept in order")
			want := md5.Sum(tt.data)
			assert.Equal(t, want[:], sum)
		})
	}
}

func TestReadChunks_DeclaredSize_AllocatesTheBodyOnce(t *testing.T) {
	body := bytes.Repeat([]byte{7}, 4<<20)
	src := hashedSized{sized{bytes.NewReader(body), int64(len(body))}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	data, _, err := readChunks(src)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, data, 1)
	assert.Equal(t, len(body), cap(data[0]), "one slice of exactly the declared size")
	// Beyond the body: the chunk list, the 512-byte end probe and whatever
	// the runtime allocates meanwhile; a second chunk would be 32 KiB more.
	assert.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, uint64(len(body)+16<<10))
}

// TestReadChunks_DeclaredSize_AllocatesAtMostMaxPreallocAhead: memory
// follows the bytes that arrived, not the size a request declared.
func TestReadChunks_DeclaredSize_AllocatesAtMostMaxPreallocAhead(t *testing.T) {
	for _, tc := range []struct {
		name       string
		declared   int64
		sent       int
		wantChunks []int
	}{
		{"5 GiB declared, 10 bytes sent", 5 << 30, 10, []int{10}},
		{"just over maxPrealloc", maxPrealloc + 1000, maxPrealloc + 1000, []int{maxPrealloc, 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := bytes.Repeat([]byte{7}, tc.sent)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			data, _, err := readChunks(hashedSized{sized{bytes.NewReader(body), tc.declared}})
			runtime.ReadMemStats(&after)
			require.NoError(t, err)
			var lens []int
			for _, c := range data {
				lens = append(lens, len(c))
			}
			assert.Equal(t, tc.wantChunks, lens)
			assert.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, uint64(maxPrealloc+tc.sent+1<<20))
		})
	}
}

func TestReadChunks_ReadsAndHashesInBoundedPieces(t *testing.T) {
	body := &pieceRecorder{Reader: bytes.NewReader(make([]byte, 5*readPiece))}
	_, _, err := readChunks(sized{body, 5 * readPiece})
	require.NoError(t, err)
	assert.Equal(t, readPiece, body.largest, "no Read (and so no MD5 update) covers more than readPiece")
}

func TestChunksReader_RangesAcrossChunkBoundaries(t *testing.T) {
	c := chunks{[]byte("abc"), []byte("defg"), []byte("h")}
	tests := []struct {
		rng  *Range
		want string
	}{
		{nil, "abcdefgh"},
		{&Range{0, 3}, "abc"},
		{&Range{2, 3}, "cde"},
		{&Range{3, 4}, "defg"},
		{&Range{6, 100}, "gh"},
		{&Range{8, 1}, ""},
		{&Range{1, 6}, "bcdefg"},
	}
	for _, tt := range tests {
		got, err := io.ReadAll(iotest.OneByteReader(c.reader(tt.rng)))
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got), "Read %+v", tt.rng)
		var buf bytes.Buffer
		_, err = io.Copy(&buf, c.reader(tt.rng))
		require.NoError(t, err)
		assert.Equal(t, tt.want, buf.String(), "WriteTo %+v", tt.rng)
	}
	require.NoError(t, iotest.TestReader(c.reader(&Range{1, 6}), []byte("bcdefg")))
	sub, ok := c.reader(&Range{3, 2}).(*bytes.Reader)
	require.True(t, ok, "a range inside one chunk is a bytes.Reader over it")
	assert.Equal(t, int64(2), sub.Size())
}
