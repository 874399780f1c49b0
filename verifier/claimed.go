package verifier

import (
	"net/http"
	"strings"
)

// maxClaimedKeyLen bounds what ClaimedAccessKeyID returns: it comes from
// an unauthenticated request and goes into log lines.
const maxClaimedKeyLen = 128

// ClaimedAccessKeyID returns the access key id r names — in X-Amz-Credential,
// AWSAccessKeyId or the Authorization header — without checking anything,
// so that the log line of a rejected request can say who it claimed to be.
// It is "" when r names none. Never use it to decide anything.
func ClaimedAccessKeyID(r *http.Request) string {
	q := r.URL.Query()
	var id string
	switch authz := r.Header.Get("Authorization"); {
	case q.Get("X-Amz-Credential") != "":
		id, _, _ = strings.Cut(q.Get("X-Amz-Credential"), "/")
	case q.Get("AWSAccessKeyId") != "":
		id = q.Get("AWSAccessKeyId")
	case strings.HasPrefix(authz, sigV4Algorithm+" "):
		if _, cred, ok := strings.Cut(authz, "Credential="); ok {
			id, _, _ = strings.Cut(cred, "/")
		}
	case strings.HasPrefix(authz, "AWS "):
		id, _, _ = strings.Cut(strings.TrimPrefix(authz, "AWS "), ":")
	}
	id = strings.TrimSpace(id)
	if len(id) > maxClaimedKeyLen {
		id = id[:maxClaimedKeyLen]
	}
	return id
}
