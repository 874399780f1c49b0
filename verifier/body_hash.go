package verifier

import "sync"

// A large read of a Body is hashed as it is read: the calling goroutine
// copies the body into p piece by piece and hands each piece to two
// hashers, one for the MD5 and one for the additional checksum (and the
// SHA-256 of a signed payload), each running for the whole read and taking
// its pieces in order from a queue. Nobody waits for anyone until the
// copier is queued pieces ahead, so the three streams keep both cores of a
// 2-core machine busy: a 256 MiB upload costs about the larger of MD5 alone
// and half the sum of the copy and every digest. (Starting two goroutines
// per piece and waiting for both before reading the next one, as this did
// before, left a core idle at every piece whose MD5 outlasted the copy.)
// Every piece is hashed before Read returns, so the caller owns p again as
// io.Reader requires.
const (
	// hashPiece is one piece: small enough that filling the pipeline and
	// draining it at the end of a read costs little, large enough that
	// the two queue hand-offs per piece are noise (a few hundred
	// nanoseconds against about 400 µs to MD5 256 KiB). Each hash call on
	// a piece is short too: hashes run in assembly, which the garbage
	// collector cannot preempt, so it spins while one runs.
	hashPiece = 256 << 10
	// queuedPieces is how far the copier may run ahead of a hasher: deep
	// enough that a hasher descheduled for a moment does not stall it.
	queuedPieces = 16
	// pipelineMin is the smallest read worth pipelining: below two pieces
	// nothing overlaps, and a small upload starts no goroutine.
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
// more is filled (short only at an error or EOF) piece by piece, the
// pieces hashed while the next are read; a smaller one is read once and
// hashed inline.
func (b *Body) readHashed(p []byte) (int, error) {
	if len(p) < pipelineMin {
		n, err := b.src.Read(p)
		b.hash(p[:n])
		return n, err
	}
	var hashers sync.WaitGroup
	toMD5 := startHasher(&hashers, b.md5.Write)
	toSums := startHasher(&hashers, func(piece []byte) (int, error) {
		b.hashChecksums(piece)
		return len(piece), nil
	})
	// Closing the queues lets the hashers end even if reading panics.
	defer hashers.Wait()
	defer close(toSums)
	defer close(toMD5)
	var (
		n   int
		err error
	)
	for n < len(p) && err == nil {
		var m int
		m, err = b.src.Read(p[n:min(len(p), n+hashPiece)])
		if m > 0 {
			toMD5 <- p[n : n+m]
			toSums <- p[n : n+m]
		}
		n += m
	}
	return n, err
}

// startHasher starts a goroutine that writes every piece sent on the
// returned queue, in order, until it is closed; hashers.Wait returns once
// it has written them all.
func startHasher(hashers *sync.WaitGroup, write func([]byte) (int, error)) chan<- []byte {
	pieces := make(chan []byte, queuedPieces)
	hashers.Go(func() {
		for piece := range pieces {
			_, _ = write(piece) // hash.Hash.Write never fails
		}
	})
	return pieces
}
