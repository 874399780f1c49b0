package emulator_test

import (
	"bufio"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/store"
)

// Never a 500 for a client mistake (issue 2, "Bad input"): every request
// below is wrong in some way and must be answered with a 4xx (or a 2xx/3xx
// S3 would also give), never a server error, on either store.
func TestSpecAudit_ClientMistakes_AreNever5xx(t *testing.T) {
	parent := t.TempDir()
	dirRoot := filepath.Join(parent, "root")
	require.NoError(t, os.Mkdir(dirRoot, 0o755))
	dir, err := store.NewDir(dirRoot)
	require.NoError(t, err)
	for name, opts := range map[string][]emulator.TestOption{"memory": nil, "dir": {emulator.WithStore(dir)}} {
		t.Run(name, func(t *testing.T) {
			ts := auditServer(t, opts...)
			now := ts.Clock.Now()
			signed := func(method, target string, body []byte, hdr map[string]string) func(t *testing.T) *http.Request {
				return func(t *testing.T) *http.Request {
					return signV4Header(t, ts, auditRequest(t, method, target, body, hdr), body, now)
				}
			}
			plain := func(method, target string, hdr map[string]string) func(t *testing.T) *http.Request {
				return func(t *testing.T) *http.Request { return auditRequest(t, method, target, nil, hdr) }
			}
			obj := objectURL(ts, auditKey)
			cases := map[string]func(t *testing.T) *http.Request{
				"garbage Authorization":          plain("GET", obj, map[string]string{"Authorization": "garbage"}),
				"bare algorithm":                 plain("GET", obj, map[string]string{"Authorization": "AWS4-HMAC-SHA256"}),
				"empty SigV4 parts":              plain("GET", obj, map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=/,SignedHeaders=,Signature=", "X-Amz-Date": "x"}),
				"SigV4 parts, garbage date":      plain("GET", obj, map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=zz", "X-Amz-Date": "99999999T999999Z"}),
				"SigV2 empty":                    plain("GET", obj, map[string]string{"Authorization": "AWS :"}),
				"SigV2 no colon":                 plain("GET", obj, map[string]string{"Authorization": "AWS abc", "Date": "yesterday"}),
				"SigV4a":                         plain("GET", obj, map[string]string{"Authorization": "AWS4-ECDSA-P256-SHA256 Credential=x"}),
				"query auth param without value": plain("GET", obj+"?X-Amz-Algorithm", nil),
				"query bad percent":              plain("GET", obj+"?X-Amz-Credential=%zz&X-Amz-Algorithm=%", nil),
				"query semicolons":               plain("GET", obj+"?a;b=c;X-Amz-Date=1", nil),
				"huge X-Amz-Expires": plain("GET", obj+"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="+ts.AccessKeyID+"%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"+
					"&X-Amz-Date=20260101T000000Z&X-Amz-Expires=99999999999999999999999&X-Amz-SignedHeaders=host&X-Amz-Signature=00", nil),
				"garbage X-Amz-Date":         plain("GET", obj+"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Date=99999999T999999Z&X-Amz-Expires=1&X-Amz-SignedHeaders=&X-Amz-Signature=", nil),
				"SigV2 negative Expires":     plain("GET", obj+"?AWSAccessKeyId="+ts.AccessKeyID+"&Expires=-1&Signature=x", nil),
				"SigV2 huge Expires":         plain("GET", obj+"?AWSAccessKeyId="+ts.AccessKeyID+"&Expires=999999999999999999999999&Signature=x", nil),
				"query and header auth":      plain("GET", obj+"?X-Amz-Signature=x", map[string]string{"Authorization": "AWS a:b"}),
				"invalid UTF-8 key":          signed("PUT", objectURL(ts, "%FF%FE"), []byte("x"), nil),
				"dot-dot key":                signed("PUT", ts.URL+"/"+auditBucket+"/../../escape", []byte("x"), nil),
				"dot-dot inner key":          signed("PUT", ts.URL+"/"+auditBucket+"/a/../../../escape2", []byte("x"), nil),
				"encoded dot-dot key":        signed("PUT", ts.URL+"/"+auditBucket+"/%2E%2E/%2E%2E/escape3", []byte("x"), nil),
				"dot key":                    signed("PUT", ts.URL+"/"+auditBucket+"/.", []byte("x"), nil),
				"NUL in key":                 signed("PUT", objectURL(ts, "a%00b"), []byte("x"), nil),
				"key over 1024 bytes":        signed("PUT", objectURL(ts, strings.Repeat("k", 1100)), []byte("x"), nil),
				"huge metadata header":       signed("PUT", objectURL(ts, "big"), []byte("x"), map[string]string{"x-amz-meta-big": strings.Repeat("m", 64<<10)}),
				"garbage Range":              signed("GET", obj, nil, map[string]string{"Range": "bytes=zz-"}),
				"garbage If-Modified-Since":  signed("GET", obj, nil, map[string]string{"If-Modified-Since": "not a date"}),
				"partNumber not a number":    signed("GET", obj+"?partNumber=abc", nil, nil),
				"garbage copy source":        signed("PUT", objectURL(ts, "copy"), nil, map[string]string{"X-Amz-Copy-Source": "%%%"}),
				"copy source bucket only":    signed("PUT", objectURL(ts, "copy"), nil, map[string]string{"X-Amz-Copy-Source": "/" + auditBucket}),
				"DeleteObjects not XML":      signed("POST", ts.URL+"/"+auditBucket+"?delete", []byte("<<<"), map[string]string{"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="}),
				"Complete unknown upload":    signed("POST", obj+"?uploadId=nope", []byte("<CompleteMultipartUpload/>"), nil),
				"UploadPart part 0":          signed("PUT", obj+"?uploadId=nope&partNumber=0", []byte("x"), nil),
				"PutBucketCors not XML":      signed("PUT", ts.URL+"/"+auditBucket+"?cors", []byte("{json}"), map[string]string{"Content-MD5": "x"}),
				"ListObjectsV2 bad max-keys": signed("GET", ts.URL+"/"+auditBucket+"?list-type=2&max-keys=abc&continuation-token=%FF", nil, nil),
				"ListObjects bad encoding":   signed("GET", ts.URL+"/"+auditBucket+"?encoding-type=base64", nil, nil),
				"CreateBucket bad XML":       signed("PUT", ts.URL+"/newbucket", []byte("<CreateBucketConfiguration><LocationConstraint>"), nil),
				"invalid bucket name":        signed("PUT", ts.URL+"/A_B", nil, nil),
				"aws-chunked garbage body":   signed("PUT", objectURL(ts, "chunked"), []byte("zz;chunk-signature=00\r\n"), map[string]string{"X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": "5"}),
				"unsigned trailer garbage":   signed("PUT", objectURL(ts, "trailer"), []byte("5\r\nabc"), map[string]string{"X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Trailer": "x-amz-checksum-crc32", "X-Amz-Decoded-Content-Length": "5"}),
				"bad content-sha256":         signed("PUT", objectURL(ts, "sha"), []byte("x"), map[string]string{"X-Amz-Content-Sha256": "nothex"}),
				"If-None-Match on PUT not *": signed("PUT", objectURL(ts, "inm"), []byte("x"), map[string]string{"If-None-Match": `"abc"`}),
				"POST garbage multipart":     plain("POST", ts.URL+"/"+auditBucket, map[string]string{"Content-Type": "multipart/form-data; boundary="}),
				"POST form without bucket":   plain("POST", ts.URL+"/", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}),
				"OPTIONS garbage":            plain("OPTIONS", obj, map[string]string{"Origin": "null", "Access-Control-Request-Method": "???", "Access-Control-Request-Headers": ",,,"}),
				"unknown method":             plain("PATCH", obj, nil),
				"virtual host garbage": func(t *testing.T) *http.Request {
					r := auditRequest(t, "GET", ts.URL+"/k", nil, nil)
					r.Host = "..localhost"
					return r
				},
				"versionId garbage":           signed("GET", obj+"?versionId=%FF", nil, nil),
				"response override anonymous": plain("GET", obj+"?response-content-type=%FF", nil),
				"presigned PUT tampered path": func(t *testing.T) *http.Request {
					u := presignV4(t, ts, "PUT", objectURL(ts, "p"), nil, now, time.Hour)
					return auditRequest(t, "PUT", strings.Replace(u, "/p?", "/%FF?", 1), []byte("x"), nil)
				},
			}
			notImplemented := map[string]bool{"SigV4a": true, "If-None-Match on PUT not *": true}
			for cname, mk := range cases {
				t.Run(cname, func(t *testing.T) {
					r := auditSend(t, ts, mk(t))
					if notImplemented[cname] {
						// S3's own answer for what it does not support.
						assert.Equal(t, "NotImplemented", requireS3Error(t, r, http.StatusNotImplemented).Code)
						return
					}
					assert.Less(t, r.StatusCode, 500, "%s", r.Body)
					assert.NotEmpty(t, r.Header.Get("X-Amz-Request-Id"))
				})
			}
			t.Run("raw request lines", func(t *testing.T) {
				for _, line := range []string{
					"GET /audit/obj/../../x HTTP/1.1",
					"GET /audit/%ZZ HTTP/1.1",
					"GET /audit/obj?%% HTTP/1.1",
					"PUT /audit/raw HTTP/1.1\r\nContent-Length: 99999999999\r\nAuthorization: AWS4-HMAC-SHA256 Credential=x",
				} {
					conn, err := net.Dial("tcp", ts.Host())
					require.NoError(t, err)
					_, err = io.WriteString(conn, line+"\r\nHost: "+ts.Host()+"\r\nConnection: close\r\n\r\n")
					require.NoError(t, err)
					resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
					if err == nil {
						assert.Less(t, resp.StatusCode, 500, line)
						resp.Body.Close()
					}
					conn.Close()
				}
			})
		})
	}
	// No key, however spelled, may leave the directory store's root.
	require.NoError(t, filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if p != dirRoot && !strings.HasPrefix(p, dirRoot+string(filepath.Separator)) && p != parent {
			t.Errorf("a key escaped the directory store: %s", p)
		}
		return nil
	}))
}
