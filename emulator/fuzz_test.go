package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

// FuzzServer sends arbitrary requests through Server.ServeHTTP and holds it
// to issue #2 §9: never a panic, never a 500 for a client mistake, and every
// error is S3's XML envelope with a Code and the request id.
//
// An input is a method, a raw request target (path and query exactly as on
// the request line), header lines ("Name: value", one a line), a body and a
// signing mode. The request is parsed by net/http's own request reader, so
// only what a real server would hand the handler reaches it. The signing
// mode lets mutated requests get past authentication and into the
// handlers: 0 sends the input as it is, 1 signs it in the Authorization
// header (payload hash from x-amz-content-sha256 when set, else of the
// body) and 2 pre-signs it in the query, all with the test key at the
// fuzz clock's time. "UPLOADID" in the target stands for the upload the
// fixture opens.
//
// Each input gets a fresh server holding bucket "fuzz" (object "obj", a
// CORS rule, and an upload of "mp" with part 1 = "part one").
//
// Run it with
//
//	go test ./emulator -run XXX -fuzz FuzzServer -fuzztime 90s -fuzzminimizetime 5s
//
// and keep every failing input under testdata/fuzz/FuzzServer, named for
// what it found.
func FuzzServer(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.method, s.target, s.headers, s.body, s.sign)
	}
	f.Fuzz(func(t *testing.T, method, target, headers string, body []byte, sign uint8) {
		env := newFuzzEnv(t)
		target = strings.ReplaceAll(target, "UPLOADID", env.uploadID)
		req, ok := rawRequest(method, target, headers, body)
		if !ok {
			return // net/http would answer 400 itself; the handler never sees it
		}
		if !fuzzSign(req, body, sign%3) {
			return
		}
		env.check(t, req)
	})
}

// The seeds must keep their answers as the server evolves: the authentic
// ones, or the fuzzer starts from requests that never get past
// authentication; the hostile ones, because their answer is S3's.
func TestFuzzServerSeeds_AnswerTheirPinnedStatus(t *testing.T) {
	for _, s := range fuzzSeeds(t) {
		t.Run(s.method+" "+s.target, func(t *testing.T) {
			env := newFuzzEnv(t)
			req, ok := rawRequest(s.method, strings.ReplaceAll(s.target, "UPLOADID", env.uploadID), s.headers, s.body)
			if !ok || !fuzzSign(req, s.body, s.sign) {
				t.Fatal("seed does not build")
			}
			rec := env.check(t, req)
			if rec.Code != s.want {
				t.Fatalf("status %d, want %d: %s %s", rec.Code, s.want, rec.Header().Get("X-Stricts3-Diagnosis"), rec.Body)
			}
		})
	}
}

// fuzzEpoch is the fuzz clock's time; seeds are signed at it.
var fuzzEpoch = time.Date(2026, 2, 21, 10, 30, 0, 0, time.UTC)

var fuzzCreds = aws.Credentials{AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey}

// fuzzCORS is the fixture's CORS configuration.
const fuzzCORS = `<CORSConfiguration><CORSRule><AllowedOrigin>http://app.example</AllowedOrigin>` +
	`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>` +
	`<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>`

const fuzzPart1 = "part one"

type fuzzEnv struct {
	srv      *emulator.Server
	uploadID string
	errs     *errorLog
}

func newFuzzEnv(t *testing.T) *fuzzEnv {
	t.Helper()
	errs := &errorLog{}
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: fuzzCreds.AccessKeyID, SecretAccessKey: fuzzCreds.SecretAccessKey}),
		Clock:       emulator.NewManualClock(fuzzEpoch),
		Logger:      slog.New(errs),
	})
	if err != nil {
		t.Fatal(err)
	}
	env := &fuzzEnv{srv: srv, errs: errs}
	setup := func(method, target string, body string, hdr ...string) *httptest.ResponseRecorder {
		req, ok := rawRequest(method, target, strings.Join(hdr, "\n"), []byte(body))
		if !ok || !fuzzSign(req, []byte(body), 1) {
			t.Fatalf("fixture request %s %s does not build", method, target)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("fixture %s %s: %d %s", method, target, rec.Code, rec.Body)
		}
		return rec
	}
	setup("PUT", "/fuzz", "")
	setup("PUT", "/fuzz/obj", "hello, fuzz", "Content-Type: text/plain", "x-amz-meta-color: blue")
	setup("PUT", "/fuzz?cors", fuzzCORS, "Content-MD5: "+md5b64(fuzzCORS))
	var init struct {
		UploadID string `xml:"UploadId"`
	}
	if err := xml.Unmarshal(setup("POST", "/fuzz/mp?uploads", "").Body.Bytes(), &init); err != nil {
		t.Fatal(err)
	}
	env.uploadID = init.UploadID
	setup("PUT", "/fuzz/mp?partNumber=1&uploadId="+url.QueryEscape(env.uploadID), fuzzPart1)
	errs.reset()
	return env
}

// check serves req and asserts the invariants.
func (env *fuzzEnv) check(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	env.srv.ServeHTTP(rec, req)
	what := fmt.Sprintf("%s %s", req.Method, req.RequestURI)
	if logged := env.errs.String(); logged != "" {
		t.Fatalf("%s: logged at error level (InternalError or panic): %s", what, logged)
	}
	if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
		t.Fatalf("%s: status %d: %s", what, rec.Code, rec.Body)
	}
	for name, vals := range rec.Header() {
		for _, v := range vals {
			if i := strings.IndexFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }); i >= 0 {
				// Go's client (and so every aws-sdk-go-v2 user) refuses
				// the whole response: "malformed MIME header line".
				t.Fatalf("%s: response header %s holds control byte %q: %q", what, name, v[i], v)
			}
		}
	}
	id := rec.Header().Get("X-Amz-Request-Id")
	if id == "" {
		t.Fatalf("%s: no x-amz-request-id", what)
	}
	if rec.Code < 400 || req.Method == http.MethodHead {
		return rec
	}
	// The declaration, a flat <Error> with Code and Message first,
	// RequestId and HostId last and equal to the headers, application/xml
	// with a matching Content-Length.
	e := s3test.RequireEnvelope(t, rec.Result(), rec.Body.Bytes(), rec.Code)
	if e.Code == "" || t.Failed() {
		t.Fatalf("%s: status %d with a malformed error envelope: %q", what, rec.Code, rec.Body)
	}
	return rec
}

// rawRequest builds the request net/http's server would hand the handler
// for this request line, header block and body. It adds Host (localhost)
// and Content-Length (of body) unless the header lines set them.
func rawRequest(method, target, headers string, body []byte) (*http.Request, bool) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, target)
	hasHost, hasLength := false, false
	for line := range strings.SplitSeq(headers, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "host":
			hasHost = true
		case "content-length", "transfer-encoding":
			hasLength = true
		}
		b.WriteString(line + "\r\n")
	}
	if !hasHost {
		b.WriteString("Host: localhost\r\n")
	}
	if !hasLength {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil {
		return nil, false
	}
	req.RemoteAddr = "192.0.2.1:1234"
	return req, true
}

// fuzzSign signs req in mode 1 (Authorization header) or 2 (pre-signed
// query); mode 0 leaves it alone. It reports false when the SDK's signer
// cannot sign the request at all.
func fuzzSign(req *http.Request, body []byte, mode uint8) (ok bool) {
	if mode == 0 {
		return true
	}
	defer func() {
		// A request the SDK itself cannot handle is no finding of ours.
		if recover() != nil {
			ok = false
		}
	}()
	signer := s3test.Signer()
	ctx := context.Background()
	if mode == 1 {
		// s3test.SignRequest would fail the test where the SDK refuses a
		// fuzzed request; such an input is skipped instead.
		hash := req.Header.Get("X-Amz-Content-Sha256")
		if hash == "" {
			hash = s3test.PayloadHash(body)
			req.Header.Set("X-Amz-Content-Sha256", hash)
		}
		if err := signer.SignHTTP(ctx, fuzzCreds, req, hash, "s3", "us-east-1", fuzzEpoch); err != nil {
			return false
		}
	} else {
		if !strings.Contains(req.URL.RawQuery, "X-Amz-Expires=") {
			// The SDK's signer pre-signs with the expiry already in the query.
			req.URL.RawQuery = strings.TrimPrefix(req.URL.RawQuery+"&X-Amz-Expires=900", "&")
		}
		signed, hdr, err := signer.PresignHTTP(ctx, fuzzCreds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", fuzzEpoch)
		if err != nil {
			return false
		}
		u, err := url.Parse(signed)
		if err != nil {
			return false
		}
		req.URL.RawQuery = u.RawQuery
		for k, v := range hdr {
			req.Header[k] = v
		}
	}
	// The signer rewrote the query; the handler reads the request line.
	req.RequestURI = req.URL.RequestURI()
	return true
}

// errorLog is a slog.Handler that keeps error-level records: the server
// logs InternalError and recovered panics at that level.
type errorLog struct {
	mu   sync.Mutex
	recs []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler            { return l }
func (l *errorLog) WithGroup(string) slog.Handler                 { return l }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.recs = append(l.recs, b.String())
	l.mu.Unlock()
	return nil
}

func (l *errorLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.recs, "\n")
}

func (l *errorLog) reset() {
	l.mu.Lock()
	l.recs = nil
	l.mu.Unlock()
}

func md5b64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

type fuzzSeed struct {
	method, target, headers string
	body                    []byte
	sign                    uint8
	// want is the status the fixture answers, proving the seed authentic.
	want int
}

// fuzzSeeds are authentic requests for the fixture, one per kind of body
// and authentication, so mutations start deep in the pipeline.
func fuzzSeeds(tb testing.TB) []fuzzSeed {
	tb.Helper()
	seed := func(want int, method, target string, sign uint8, body string, hdr ...string) fuzzSeed {
		return fuzzSeed{method, target, strings.Join(hdr, "\n"), []byte(body), sign, want}
	}
	partETag := fmt.Sprintf(`"%x"`, md5.Sum([]byte(fuzzPart1)))
	complete := `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + partETag + `</ETag></Part></CompleteMultipartUpload>`
	del := `<Delete><Quiet>false</Quiet><Object><Key>obj</Key></Object><Object><Key>missing</Key></Object></Delete>`
	cors := `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
	seeds := []fuzzSeed{
		seed(200, "GET", "/", 1, ""),
		seed(200, "GET", "/fuzz/obj", 1, ""),
		seed(200, "GET", "/obj", 1, "", "Host: fuzz.localhost"),
		seed(200, "HEAD", "/fuzz/obj", 1, "", "If-None-Match: \"x\""),
		seed(206, "GET", "/fuzz/obj?response-content-type=a%2Fb&response-content-disposition=attachment", 2, "", "Range: bytes=2-5"),
		seed(206, "GET", "/fuzz/obj?partNumber=1", 1, "", "If-Modified-Since: Sat, 21 Feb 2026 10:00:00 GMT"),
		seed(200, "PUT", "/fuzz/presigned", 2, "presigned body", "Content-Type: text/plain"),
		seed(200, "PUT", "/fuzz/new", 1, "header-signed body", "Content-MD5: "+md5b64("header-signed body"), "x-amz-meta-a: b", "x-amz-tagging: k=v"),
		seed(200, "PUT", "/fuzz/copy", 1, "", "x-amz-copy-source: /fuzz/obj", "x-amz-metadata-directive: REPLACE"),
		seed(204, "DELETE", "/fuzz/obj", 1, ""),
		seed(200, "GET", "/fuzz?list-type=2&prefix=o&delimiter=%2F&max-keys=5&encoding-type=url", 1, ""),
		seed(200, "GET", "/fuzz?prefix=&marker=a", 1, ""),
		seed(200, "GET", "/fuzz?uploads", 1, ""),
		seed(200, "GET", "/fuzz?location", 1, ""),
		seed(200, "GET", "/fuzz?cors", 1, ""),
		seed(200, "PUT", "/created", 1, `<CreateBucketConfiguration><LocationConstraint></LocationConstraint></CreateBucketConfiguration>`),
		seed(200, "POST", "/fuzz/mp2?uploads", 1, "", "x-amz-checksum-algorithm: CRC32"),
		seed(200, "PUT", "/fuzz/mp?partNumber=2&uploadId=UPLOADID", 1, "part two"),
		seed(200, "PUT", "/fuzz/mp?partNumber=3&uploadId=UPLOADID", 1, "", "x-amz-copy-source: fuzz/obj", "x-amz-copy-source-range: bytes=0-3"),
		seed(200, "GET", "/fuzz/mp?uploadId=UPLOADID&max-parts=1", 1, ""),
		seed(200, "POST", "/fuzz/mp?uploadId=UPLOADID", 1, complete),
		seed(204, "DELETE", "/fuzz/mp?uploadId=UPLOADID", 1, ""),
		seed(200, "POST", "/fuzz?delete", 1, del, "Content-MD5: "+md5b64(del)),
		seed(200, "PUT", "/fuzz?cors", 1, cors, "Content-MD5: "+md5b64(cors)),
		seed(200, "OPTIONS", "/fuzz/obj", 0, "", "Origin: http://app.example", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type, x-amz-date"),
		seed(200, "GET", "/fuzz/obj", 1, "", "Origin: http://app.example"),
		seed(200, "GET", "/fuzz/obj?tagging", 1, ""),
		seed(501, "GET", "/fuzz?tagging", 1, ""),
		seed(403, "GET", "/fuzz/obj", 0, "", "Authorization: AWS "+fuzzCreds.AccessKeyID+":c2lnbmF0dXJl", "Date: Sat, 21 Feb 2026 10:30:00 GMT"),
		seed(403, "GET", "/fuzz/obj?AWSAccessKeyId="+fuzzCreds.AccessKeyID+"&Expires=1771670000&Signature=abc%3D", 0, ""),
		unsignedTrailerSeed(),
		signedChunksSeed(tb),
		postFormSeed(tb),
	}
	return append(seeds, hostileSeeds()...)
}

// hostileSeeds are client mistakes and odd input, each with the S3 error
// it must get: short bodies, broken framing, out-of-range numbers, bad
// encodings. They pin answers the fuzzer must never turn into a 500.
func hostileSeeds() []fuzzSeed {
	s := func(want int, method, target, headers, body string, sign uint8) fuzzSeed {
		return fuzzSeed{method, target, headers, []byte(body), sign, want}
	}
	chunked := "Content-Encoding: aws-chunked\nx-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\nx-amz-trailer: x-amz-checksum-crc32\n"
	return []fuzzSeed{
		s(400, "PUT", "/fuzz/short", "Content-Length: 100", "hello", 1),
		s(400, "PUT", "/fuzz/short", "Content-Length: 100\nx-amz-content-sha256: UNSIGNED-PAYLOAD", "hello", 1),
		s(411, "PUT", "/fuzz/te", "Transfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n", 1),
		s(411, "PUT", "/fuzz/te", "Transfer-Encoding: chunked\nx-amz-content-sha256: UNSIGNED-PAYLOAD", "5\r\nhel", 1),
		s(400, "PUT", "/fuzz/c", chunked+"x-amz-decoded-content-length: 5", "5\r\nhel", 1),
		s(411, "PUT", "/fuzz/c", chunked+"x-amz-decoded-content-length: 99999999999999999999", "ffffffffffffffffff\r\nhel", 1),
		s(411, "PUT", "/fuzz/c", chunked+"x-amz-decoded-content-length: -1", "0\r\n\r\n", 1),
		s(400, "POST", "/fuzz/mp?uploadId=UPLOADID", "Content-Length: 1000", "<CompleteMultipartUpload>", 1),
		s(403, "POST", "/fuzz", "Content-Type: multipart/form-data; boundary=x\nContent-Length: 1000",
			"--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nab", 0),
		s(416, "GET", "/fuzz/obj", "Range: bytes=-0", "", 1),
		s(200, "GET", "/fuzz/obj", "Range: bytes=99999999999999999999-", "", 1),
		s(400, "GET", "/fuzz/obj?partNumber=99999999999999999999", "", "", 1),
		s(400, "GET", "/fuzz?max-keys=-1", "", "", 1),
		s(400, "GET", "/fuzz?list-type=2&continuation-token=%00%ff", "", "", 1),
		s(400, "GET", "/fuzz/mp?uploadId=UPLOADID&part-number-marker=-5&max-parts=99999999999", "", "", 1),
		s(400, "PUT", "/fuzz/x", "x-amz-copy-source: %zz", "", 1),
		s(400, "PUT", "/fuzz/mp?partNumber=4&uploadId=UPLOADID", "x-amz-copy-source: fuzz/obj\nx-amz-copy-source-range: bytes=99999999999999999999-1", "", 1),
		s(400, "PUT", "/fuzz/x", "x-amz-checksum-crc32: ####\nx-amz-sdk-checksum-algorithm: FOO", "x", 1),
		s(400, "PUT", "/fuzz/x", "x-amz-checksum-crc32: AAAAAA==\nx-amz-checksum-sha256: AAAAAA==", "x", 1),
		s(400, "PUT", "/fuzz/x", "Content-MD5: ###", "x", 1),
		s(400, "GET", "/fuzz/obj?response-expires=%ff%00", "", "", 2),
		s(400, "PUT", "/fuzz?cors", "Content-MD5: "+md5b64("<CORSConfiguration>"), "<CORSConfiguration>", 1),
		s(400, "POST", "/fuzz?delete", "x-amz-checksum-crc32: AAAAAA==", "<Delete/>", 1),
		s(400, "PUT", "/fuzz/obj", "x-amz-storage-class: \xff", "", 1),
		s(403, "GET", "/?AWSAccessKeyId="+emulator.TestAccessKeyID+"&Expires=1771700000&Signature=%fb", "", "", 0),
	}
}

// unsignedTrailerSeed is what aws-sdk-go-v2 sends over TLS: an aws-chunked
// body with a CRC32 trailer, the headers signed.
func unsignedTrailerSeed() fuzzSeed {
	payload := "hello, chunks"
	body := fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", len(payload), payload, crc32b64(payload))
	return fuzzSeed{"PUT", "/fuzz/chunked", strings.Join([]string{
		"Content-Encoding: aws-chunked",
		"x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER",
		"x-amz-trailer: x-amz-checksum-crc32",
		fmt.Sprintf("x-amz-decoded-content-length: %d", len(payload)),
	}, "\n"), []byte(body), 1, http.StatusOK}
}

// signedChunksSeed is a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload: every
// chunk signed, chained from the header signature; sent as it is.
func signedChunksSeed(tb testing.TB) fuzzSeed {
	tb.Helper()
	chunks := []string{strings.Repeat("a", 8192), "tail", ""}
	decoded := 0
	for _, c := range chunks {
		decoded += len(c)
	}
	var hdrs []string
	for _, h := range [][2]string{
		{"Content-Encoding", "aws-chunked"},
		{"X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
		{"X-Amz-Decoded-Content-Length", fmt.Sprint(decoded)},
	} {
		hdrs = append(hdrs, h[0]+": "+h[1])
	}
	// Frame length: each chunk is "<hex>;chunk-signature=<64 hex>\r\n<data>\r\n".
	total := 0
	for _, c := range chunks {
		total += len(fmt.Sprintf("%x", len(c))) + len(";chunk-signature=") + 64 + 2 + len(c) + 2
	}
	req, ok := rawRequest("PUT", "/fuzz/signed-chunks", strings.Join(append(hdrs, fmt.Sprintf("Content-Length: %d", total)), "\n"), nil)
	if !ok {
		tb.Fatal("signed chunks seed does not build")
	}
	s3test.SignRequest(tb, req, nil, fuzzCreds, "us-east-1", fuzzEpoch)
	authz := req.Header.Get("Authorization")
	prev, err := hex.DecodeString(authz[strings.LastIndex(authz, "=")+1:])
	if err != nil {
		tb.Fatal(err)
	}
	ss := v4.NewStreamSigner(fuzzCreds, "s3", "us-east-1", prev)
	var body bytes.Buffer
	for _, c := range chunks {
		sig, err := ss.GetSignature(context.Background(), nil, []byte(c), fuzzEpoch)
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&body, "%x;chunk-signature=%x\r\n%s\r\n", len(c), sig, c)
	}
	if body.Len() != total {
		tb.Fatalf("signed chunks seed: framed %d bytes, announced %d", body.Len(), total)
	}
	var lines []string
	for k, vs := range req.Header {
		for _, v := range vs {
			lines = append(lines, k+": "+v)
		}
	}
	return fuzzSeed{"PUT", "/fuzz/signed-chunks", strings.Join(lines, "\n"), body.Bytes(), 0, http.StatusOK}
}

// postFormSeed is a browser upload form signed by the presign package.
func postFormSeed(tb testing.TB) fuzzSeed {
	tb.Helper()
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://localhost"),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(fuzzCreds.AccessKeyID, fuzzCreds.SecretAccessKey, ""),
	})
	form, err := presign.New(client, presign.WithSigningTime(fuzzEpoch)).
		PresignPost(context.Background(), "fuzz", "uploads/${filename}", time.Hour,
			presign.ContentLengthRange(0, 1024), presign.Field("Content-Type", "text/plain"))
	if err != nil {
		tb.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.SetBoundary("fuzzboundary"); err != nil {
		tb.Fatal(err)
	}
	for _, fl := range form.Fields {
		if err := mw.WriteField(fl.Name, fl.Value); err != nil {
			tb.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "hello.txt")
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.WriteString(fw, "posted content")
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	u, err := url.Parse(form.URL)
	if err != nil {
		tb.Fatal(err)
	}
	return fuzzSeed{"POST", u.RequestURI(), strings.Join([]string{
		"Content-Type: " + mw.FormDataContentType(),
		"Origin: http://app.example",
	}, "\n"), body.Bytes(), 0, http.StatusNoContent}
}

func md5sum(s string) [16]byte { return md5.Sum([]byte(s)) }

func crc32b64(s string) string {
	v := crc32.ChecksumIEEE([]byte(s))
	return base64.StdEncoding.EncodeToString([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
