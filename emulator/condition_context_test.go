package emulator

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/verifier"
)

func TestConditionContext_FromTheRequest(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s := &Server{clock: NewManualClock(now)}
	pr := access.Principal{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/AKIAX"}
	tests := []struct {
		name   string
		build  func() *call
		want   map[string][]string
		absent []string
	}{
		{"signed GET listing over TLS", func() *call {
			r := httptest.NewRequest(http.MethodGet, "https://h/b?prefix=home/&max-keys=10", nil)
			r.TLS = &tls.ConnectionState{}
			r.RemoteAddr = "192.0.2.7:5555"
			r.Header.Set("User-Agent", "aws-cli/2")
			return &call{r: r, query: r.URL.Query(), auth: &verifier.Result{Identity: verifier.Identity{Auth: verifier.AuthSigV4Header}}}
		}, map[string][]string{
			access.KeySecureTransport: {"true"}, access.KeySourceIP: {"192.0.2.7"}, access.KeyPrefix: {"home/"},
			access.KeyMaxKeys: {"10"}, access.KeyUserAgent: {"aws-cli/2"}, access.KeyCurrentTime: {"2026-12-04T10:00:00Z"},
			access.KeyEpochTime: {"1796378400"}, access.KeyAuthType: {"REST-HEADER"}, access.KeySignatureVersion: {"AWS4-HMAC-SHA256"},
			access.KeyPrincipalAccount: {"111122223333"},
		}, []string{access.KeyDelimiter, access.KeyACL}},
		{"pre-signed PUT over HTTP with an ACL header", func() *call {
			r := httptest.NewRequest(http.MethodPut, "http://h/b/k", nil)
			r.Header.Set("X-Amz-Acl", "bucket-owner-full-control")
			return &call{r: r, query: r.URL.Query(), auth: &verifier.Result{Identity: verifier.Identity{Auth: verifier.AuthSigV2Query}}}
		}, map[string][]string{
			access.KeySecureTransport: {"false"}, access.KeyACL: {"bucket-owner-full-control"},
			access.KeyAuthType: {"REST-QUERY-STRING"}, access.KeySignatureVersion: {"AWS"},
		}, []string{access.KeyPrefix, access.KeySSE}},
		{"POST form fields stand for headers", func() *call {
			r := httptest.NewRequest(http.MethodPost, "http://h/b", nil)
			return &call{r: r, query: r.URL.Query(), auth: &verifier.Result{Identity: verifier.Identity{Auth: verifier.AuthSigV4Post}},
				postFields: verifier.PostFields{"acl": "bucket-owner-full-control", "x-amz-server-side-encryption": "AES256"}}
		}, map[string][]string{
			access.KeyACL: {"bucket-owner-full-control"}, access.KeySSE: {"AES256"}, access.KeyAuthType: {"POST"},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.conditionContext(tt.build(), pr)
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
			}
			for _, k := range tt.absent {
				assert.NotContains(t, got, k)
			}
		})
	}
}
