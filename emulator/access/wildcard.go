package access

import "unicode/utf8"

// wildcardMatch reports whether s matches pattern, where '*' matches any
// run of characters (none included) and '?' exactly one character, as in
// IAM's Action and Resource elements. It runs in O(len(pattern)·len(s)) at
// worst: on a mismatch it retries only from the last '*', never from every
// earlier one.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	// star is the position just after the last '*' seen in pattern, and
	// resume where in s that '*' is to swallow one more character from.
	star, resume := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				star, resume = p+1, i
				p++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[i:])
				p, i = p+1, i+n
				continue
			default:
				if pattern[p] == s[i] {
					p, i = p+1, i+1
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[resume:])
		resume += n
		p, i = star, resume
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
