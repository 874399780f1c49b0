package store

import (
	"bytes"
	"io"
	"sync"
)

// chunks are an object's bytes in memory, in order: one slice for a body
// whose size was declared, several for one that was not (filled one after
// another, never copied to grow) or for a multipart object (its parts'
// slices, shared rather than concatenated). A committed object's chunks are
// never written again, so readers share them without a lock.
type chunks [][]byte

func (c chunks) size() int64 {
	var n int64
	for _, b := range c {
		n += int64(len(b))
	}
	return n
}

// reader serves rng (clamped, see clampRange) straight from the slices,
// nothing copied: a bytes.Reader when rng lies in one chunk, else a
// chunksReader over the sub-slices it covers.
func (c chunks) reader(rng *Range) io.Reader {
	r := clampRange(rng, c.size())
	var parts [][]byte
	for _, b := range c {
		if r.Length == 0 {
			break
		}
		if r.Start >= int64(len(b)) {
			r.Start -= int64(len(b))
			continue
		}
		n := min(int64(len(b))-r.Start, r.Length)
		parts = append(parts, b[r.Start:r.Start+n])
		r.Start, r.Length = 0, r.Length-n
	}
	switch len(parts) {
	case 0:
		return bytes.NewReader(nil)
	case 1:
		return bytes.NewReader(parts[0])
	}
	return &chunksReader{parts: parts}
}

// chunksReader reads a list of slices in order. Unlike io.MultiReader it
// has a WriteTo that hands each slice to the writer whole, so io.Copy to a
// response allocates no copy buffer.
type chunksReader struct {
	parts [][]byte // what is left; the reader owns this list, not the bytes
}

func (r *chunksReader) Read(p []byte) (int, error) {
	for len(r.parts) > 0 && len(r.parts[0]) == 0 {
		r.parts = r.parts[1:]
	}
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	return n, nil
}

func (r *chunksReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for len(r.parts) > 0 {
		n, err := w.Write(r.parts[0])
		total += int64(n)
		r.parts[0] = r.parts[0][n:]
		if err == nil && len(r.parts[0]) > 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			return total, err
		}
		r.parts = r.parts[1:]
	}
	return total, nil
}

const (
	// readPiece bounds one Read into a chunk, and so one MD5 update: the
	// hash runs in assembly, which the Go scheduler cannot preempt, so a
	// gigabyte hashed in one call would stall other goroutines on its P.
	readPiece = 1 << 20
	// pipelineMin is the smallest piece worth hashing on its own goroutine
	// (starting one costs about a microsecond, hashing 64 KiB about 100).
	pipelineMin = 64 << 10
	// firstChunk and maxChunk size the chunks of a body of unknown size:
	// doubling from firstChunk, so small bodies stay small, up to maxChunk,
	// so the space a final, partly filled chunk wastes stays bounded.
	firstChunk = 32 << 10
	maxChunk   = 16 << 20
	// maxPrealloc caps what a declared size allocates ahead of the bytes:
	// a larger body is read into chunks of this size (the last one sized
	// to what is left), so memory follows what arrived. Allocating a
	// declared 5 GiB at once let a client that sent 10 bytes of it cost
	// 5 GiB of resident memory and a minute of zeroing, whenever the
	// runtime had to clear reused heap for it.
	maxPrealloc = 64 << 20
)

// readChunks reads body to EOF into memory. A SizedBody's declared size is
// allocated once, in chunks of maxPrealloc when larger; a body without one
// (or one that yields more than it declared) is read into further chunks,
// never copied to grow. Unless body
// is a HashedBody, the bytes are hashed for the ETag as they arrive, in
// pieces of at most readPiece. Any error but io.EOF is returned as is and
// the bytes are dropped.
func readChunks(body io.Reader) (chunks, []byte, error) {
	e := newETagHasher(body)
	size, declared := firstChunk, int64(-1)
	if sb, ok := body.(SizedBody); ok && sb.ExpectedSize() >= 0 {
		declared = sb.ExpectedSize()
		size = int(min(declared, maxPrealloc))
	}
	var out chunks
	var carry []byte
	var read int64
	for {
		buf := make([]byte, max(size, len(carry)))
		adviseHugePages(buf)
		n := copy(buf, carry)
		m, err := readInto(body, e, buf[n:])
		n += m
		if err != nil && err != io.EOF {
			return nil, nil, err
		}
		if n > 0 {
			out = append(out, trim(buf[:n]))
		}
		if err == io.EOF {
			return out, e.sum(), nil
		}
		// buf is full. A small probe read tells a body that ends exactly
		// here (the usual case for a declared size) from one that goes on,
		// without allocating a whole chunk that might stay empty.
		var probe [512]byte
		m, err = readInto(body, e, probe[:])
		if err != nil && err != io.EOF {
			return nil, nil, err
		}
		if m == 0 && err == io.EOF {
			return out, e.sum(), nil
		}
		carry = probe[:m]
		read += int64(len(buf))
		if left := declared - read; left > 0 {
			size = int(min(left, maxPrealloc))
		} else {
			size = min(max(2*len(buf), firstChunk), maxChunk)
		}
	}
}

// readInto fills buf from body (short only at EOF or an error). Unless
// body hashes itself, it hashes what it reads in pieces of at most
// readPiece; a piece of pipelineMin or more is hashed on another goroutine
// while the next one is read: the bytes are buf's own, so nothing writes
// them meanwhile, and all hashing is done when readInto returns.
func readInto(body io.Reader, e etagHasher, buf []byte) (int, error) {
	// Allocated on the first pipelined piece only: a small body, the
	// common upload, reads without one.
	var hashing *sync.WaitGroup
	wait := func() {
		if hashing != nil {
			hashing.Wait()
		}
	}
	defer wait()
	// A body that hashes itself is handed all of buf at once: it hashes in
	// pieces of its own, overlapped with its copy, and every Read it
	// returns from drains that pipeline, which 1 MiB reads did 64 times
	// per 64 MiB chunk.
	readMax := readPiece
	if e.h == nil {
		readMax = len(buf)
	}
	n := 0
	for n < len(buf) {
		m, err := body.Read(buf[n:min(len(buf), n+readMax)])
		// The hash takes the pieces in order: the previous one first.
		wait()
		if piece := buf[n : n+m]; e.h != nil && m >= pipelineMin {
			if hashing == nil {
				hashing = new(sync.WaitGroup)
			}
			hashing.Go(func() { e.write(piece) })
		} else {
			e.write(piece)
		}
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// trim gives a chunk filled less than three quarters back to the allocator
// by keeping a right-sized copy; a body that yields what it declared never
// gets here with waste.
func trim(b []byte) []byte {
	if len(b) < cap(b)-cap(b)/4 {
		return bytes.Clone(b)
	}
	return b
}
