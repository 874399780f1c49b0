package verifier

import (
	"fmt"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Cause is one named reason a request was refused: a stable ID (one of the
// Cause* constants), a one-line message and the evidence, such as the
// signed value and the sent value. Causes ride on the *s3err.Error a check
// returns (its Causes field), in Explanation.Causes, in the emulator's
// X-Stricts3-Diagnosis header ("[id,id] message") and in its log line.
// Evidence never holds a secret, a session token or a signature strictS3
// computed.
type Cause = s3err.Cause

// The cause ids. They are stable: scripts and tests match on them.
const (
	CauseMethodMismatch      = "method-mismatch"
	CauseHostMismatch        = "host-mismatch"
	CauseAddressingStyle     = "addressing-style"
	CauseRegionMismatch      = "region-mismatch"
	CauseServiceMismatch     = "service-mismatch"
	CauseSignedHeaderChanged = "signed-header-changed"
	CauseSignedHeaderMissing = "signed-header-missing"
	CauseUnsignedAmzHeader   = "unsigned-amz-header"
	CauseQueryParamAdded     = "query-param-added"
	CauseQueryParamEdited    = "query-param-edited"
	CauseKeyEncoding         = "key-encoding"
	CauseExpired             = "expired"
	CauseNotYetValid         = "not-yet-valid"
	CauseExpiresTooLong      = "expires-too-long"
	CauseClockSkew           = "clock-skew"
	CauseSignatureMalformed  = "signature-malformed"
	CauseWrongSecret         = "wrong-secret"
	CauseUnknownAccessKey    = "unknown-access-key"
	CauseTokenMissing        = "token-missing"
	CauseTokenInvalid        = "token-invalid"
	CauseTokenExpired        = "token-expired"
	CausePayloadHashMismatch = "payload-hash-mismatch"
	CauseChecksumParamInURL  = "checksum-param-in-url"
	CauseAnonymous           = "anonymous"
	CauseAccessDenied        = "access-denied"
	CauseSigV2Used           = "sigv2-used"
)

// cause builds a Cause; kv are evidence pairs, name then value.
func cause(id, message string, kv ...string) Cause {
	c := Cause{ID: id, Message: message}
	if len(kv) > 1 {
		c.Evidence = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			c.Evidence[kv[i]] = kv[i+1]
		}
	}
	return c
}

func expiredCause(expiresAt, now time.Time) Cause {
	return cause(CauseExpired, fmt.Sprintf("the URL expired at %s, %s ago", isoSecond(expiresAt), now.Sub(expiresAt).Round(time.Second)),
		"expired_at", isoSecond(expiresAt), "server_time", isoSecond(now))
}

func (v *Verifier) skewCause(t, now time.Time) Cause {
	return cause(CauseClockSkew, fmt.Sprintf("request time %s is %s away from the server's %s (at most %s allowed)",
		isoSecond(t), absDuration(now.Sub(t)).Round(time.Second), isoSecond(now), v.maxSkew),
		"request_time", isoSecond(t), "server_time", isoSecond(now), "max_skew", v.maxSkew.String())
}

func expiresTooLong(sent string) Cause {
	return cause(CauseExpiresTooLong, fmt.Sprintf("X-Amz-Expires=%s is more than S3's limit of 604800 seconds (7 days)", sent),
		"param", qExpires, "sent", sent, "max", "604800")
}
