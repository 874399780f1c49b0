package verifier

import (
	"errors"
	"io"
)

// formReadAhead is how far mime/multipart may read past what it has
// parsed: the size of its bufio buffer. A budget that allows this much
// beyond a limit is never hit by a form that stays within the limit.
const formReadAhead = 4096

// errFormBudget is what formBudget returns once its limit is reached.
var errFormBudget = errors.New("verifier: form budget exhausted")

// formBudget is the body of a POST form as the multipart reader takes it:
// it counts the bytes read and, while a limit is set, refuses to read past
// it. This is what bounds the bytes (and so the memory and time) an
// unauthenticated client can make the form reader handle before the file
// part, part headers included, which mime/multipart would otherwise
// buffer up to 10 MB each.
type formBudget struct {
	r    io.Reader
	read int64
	// limit is the total read allowed; < 0 means none.
	limit int64
}

func (b *formBudget) Read(p []byte) (int, error) {
	if b.limit >= 0 {
		left := b.limit - b.read
		if left <= 0 {
			return 0, errFormBudget
		}
		if int64(len(p)) > left {
			p = p[:left]
		}
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// allow sets the limit to n more bytes than read so far.
func (b *formBudget) allow(n int64) { b.limit = b.read + n }

// unlimited lifts the limit.
func (b *formBudget) unlimited() { b.limit = -1 }
