package emulator

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

var hexSignature = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// TestSignedStreamingPut_SignatureOracleAttack_LearnsNothingAndStoresNothing
// replays the captured headers of a signed aws-chunked PUT with a body of
// the attacker's own, the way the signing-oracle attack goes: a bogus
// chunk-signature to learn chunk 1's, then a bogus final one to learn the
// final chunk's, then the "signed" forgery. Every response header, body
// and log line (debug level) of every step must be free of the signatures
// the server calculated, and the forged body must never be stored.
func TestSignedStreamingPut_SignatureOracleAttack_LearnsNothingAndStoresNothing(t *testing.T) {
	logs := &s3test.LockedBuffer{}
	ts := NewTestServer(t, WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	s3test.MustCreateBucket(t, ts.Client, "bkt")

	original := payload(9000)
	victim := chunkedRequest(t, ts, ts.URL+"/bkt/k", chunkedSpec{mode: streamingSigned, chunks: [][]byte{original}})
	captured := victim.Header.Clone()
	resp, body := do(t, ts, victim)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	// What the server calculates for the forged body: the test knows the
	// secret; the attacker must never see these.
	forged := bytes.Repeat([]byte("F"), len(original))
	auth := captured.Get("Authorization")
	seed := auth[strings.LastIndex(auth, "Signature=")+len("Signature="):]
	date := captured.Get("X-Amz-Date")
	scope := date[:8] + "/" + ts.Region + "/s3/aws4_request"
	key := hmacSHA256([]byte("AWS4"+ts.SecretAccessKey), date[:8])
	for _, part := range []string{ts.Region, "s3", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	chunkSig := func(prev string, data []byte) string {
		sts := strings.Join([]string{"AWS4-HMAC-SHA256-PAYLOAD", date, scope, prev, hexSHA256(nil), hexSHA256(data)}, "\n")
		return hex.EncodeToString(hmacSHA256(key, sts))
	}
	secret1 := chunkSig(seed, forged)
	secretFinal := chunkSig(secret1, nil)

	// The attacker knows the seed, its own bogus value and plain hashes.
	bogus := strings.Repeat("0", 64)
	known := map[string]bool{seed: true, bogus: true, hexSHA256(nil): true, hexSHA256(forged): true}
	attempt := func(step string, sig1, sigFinal string) (status int, learned string) {
		enc := fmt.Sprintf("%x;chunk-signature=%s\r\n%s\r\n0;chunk-signature=%s\r\n\r\n", len(forged), sig1, forged, sigFinal)
		req := httptest.NewRequest(http.MethodPut, ts.URL+"/bkt/k", strings.NewReader(enc))
		req.Header = captured.Clone()
		req.ContentLength = int64(len(enc))
		logged := len(logs.String())
		rec := httptest.NewRecorder()
		ts.Server.ServeHTTP(rec, req) // synchronous: the log line is written when it returns
		var seen []string
		names := make([]string, 0, len(rec.Header()))
		for n := range rec.Header() {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			seen = append(seen, n+": "+strings.Join(rec.Header()[n], ", "))
		}
		seen = append(seen, rec.Body.String(), logs.String()[logged:])
		all := strings.Join(seen, "\n")
		assert.Contains(t, all, "chunk", "%s: the diagnosis still names the failing chunk", step)
		for _, s := range []string{secret1, secretFinal} {
			assert.NotContains(t, all, s, "%s: a calculated signature reached the client or the log", step)
		}
		for _, m := range hexSignature.FindAllString(all, -1) {
			if !known[m] {
				return rec.Code, m
			}
		}
		return rec.Code, ""
	}
	orBogus := func(s string) string {
		if s == "" {
			return bogus
		}
		return s
	}

	status, learned1 := attempt("1: bogus chunk 1", bogus, bogus)
	assert.Equal(t, http.StatusForbidden, status)
	status, learnedFinal := attempt("2: learned chunk 1, bogus final", orBogus(learned1), bogus)
	assert.Equal(t, http.StatusForbidden, status)
	status, _ = attempt("3: forgery", orBogus(learned1), orBogus(learnedFinal))
	assert.Equal(t, http.StatusForbidden, status, "the forged upload is refused")

	assert.Equal(t, original, []byte(s3test.MustGetBody(t, ts.Client, "bkt", "k")), "the forged body was never stored")
}
