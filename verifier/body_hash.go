package verifier

import "sync"

// A large read of a Body is hashed in pieces, the MD5 on one goroutine and
// the additional checksum (and the SHA-256 of a signed payload) on another,
// while the next piece is read: on a 256 MiB upload that takes the hashing
// from the sum of the digests' costs (MD5 plus CRC64NVME is 1.4x MD5,
// plus SHA-256 1.9x) and the copy to about the cost of MD5 alone, given a
// second core. Every piece is hashed before Read returns, so the caller
// owns p again as io.Reader requires.
const (
	// hashPiece is one piece: small enough that filling the pipeline and
	// draining it at the end of a read costs little, large enough that two
	// goroutine starts per piece are noise (they cost about a microsecond,
	// hashing 128 KiB about 200).
	hashPiece = 128 << 10
	// pipelineMin is the smallest read worth pipelining: below two pieces
	// nothing overlaps.
	pipelineMin = 2 * hashPiece
)

// hash feeds p to every digest the body keeps, one after another.
func (b *Body) hash(p []byte) {
	b.md5.Write(p)
	b.hashChecksums(p)
}

// hashChecksums feeds p to the digests other than MD5.
func (b *Body) hashChecksums(p []byte) {
	b.sum.Write(p)
	if b.sha != nil {
		b.sha.Write(p)
	}
}

// readHashed reads into p and hashes what it read. A p of pipelineMin or
// more is filled (short only at an error or EOF) piece by piece, each
// piece hashed while the next is read; a smaller one is read once and
// hashed inline.
func (b *Body) readHashed(p []byte) (int, error) {
	if len(p) < pipelineMin {
		n, err := b.src.Read(p)
		b.hash(p[:n])
		return n, err
	}
	var (
		wg  sync.WaitGroup
		n   int
		err error
	)
	for n < len(p) && err == nil {
		var m int
		m, err = b.src.Read(p[n:min(len(p), n+hashPiece)])
		// Each digest takes the pieces in order: the previous one first.
		wg.Wait()
		if m > 0 {
			piece := p[n : n+m]
			wg.Go(func() { b.md5.Write(piece) })
			wg.Go(func() { b.hashChecksums(piece) })
		}
		n += m
	}
	wg.Wait()
	return n, err
}
