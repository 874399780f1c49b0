package verifier

// Every byte of a request's query, and of its signed header values, is
// tested for a few special bytes. These helpers test eight bytes a word
// (SWAR): x has a zero byte exactly when (x-ones)&^x&highs is not zero,
// and a byte below n (n <= 0x80) exactly when (x-ones*n)&^x&highs is not.

const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// word is the little-endian word of s[i:i+8]; the compiler loads it at once.
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// hasByte reports whether a byte of x is b.
func hasByte(x uint64, b byte) bool {
	y := x ^ (swarOnes * uint64(b))
	return (y-swarOnes)&^y&swarHighs != 0
}

// hasByteBelow reports whether a byte of x is less than n, for n <= 0x80.
func hasByteBelow(x uint64, n byte) bool {
	return (x-swarOnes*uint64(n))&^x&swarHighs != 0
}
