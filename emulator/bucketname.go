package emulator

import (
	"net/netip"
	"strings"
)

// validBucketName applies S3's rules for new general purpose buckets and
// says which one a name breaks. The legacy us-east-1 names (upper case,
// underscores) cannot be created any more, so they are rejected too.
func validBucketName(name string) (ok bool, why string) {
	if len(name) < 3 || len(name) > 63 {
		return false, "bucket names must be 3 to 63 characters long"
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-') {
			return false, "bucket names may contain only lower-case letters, digits, dots and hyphens"
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return false, "bucket names must begin and end with a letter or digit"
	}
	if strings.Contains(name, "..") {
		return false, "bucket names must not contain two adjacent dots"
	}
	if strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return false, "bucket names must not contain a dot next to a hyphen"
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false, "bucket names must not be formatted as an IP address"
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false, "bucket names must not start with " + p
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return false, "bucket names must not end with " + sfx
		}
	}
	return true, ""
}

func isAlnum(ch byte) bool { return ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' }
