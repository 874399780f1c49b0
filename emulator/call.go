package emulator

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// call is one request on its way through the pipeline.
type call struct {
	s         *Server
	w         *statusWriter
	r         *http.Request
	requestID string
	hostID    string
	start     time.Time

	// bucket and key come from addressing; key is "" for bucket requests.
	bucket, key string
	// virtualHost is true when the bucket came from the Host header.
	virtualHost bool
	// query is the request's query read as the verifier reads it (see
	// verifier.ParseQuery), parsed once for the route matchers and the
	// handlers, so routing and signing always see the same parameters.
	// Read it only: the matchers share it.
	query url.Values
	// target is what the route matchers read, through the context.
	target target

	op   string
	auth *verifier.Result
	// postFields are a POST upload's form fields, which stand for the
	// request headers in bucket policy conditions (s3:x-amz-acl is the
	// form's acl field).
	postFields verifier.PostFields
	// grantedBy names the ACL grant that allowed the request, if one
	// did, for the log line.
	grantedBy string
	// err is the S3 error answered, if any, for the log line.
	err      *s3err.Error
	panicked any
	// signed are the SigV4 texts authentication built, for the inspector.
	signed signedStrings
	// warnings are the failed checks warn mode let pass (warn.go), at
	// most maxWarningsPerRequest; moreWarnings counts the rest.
	warnings     []*s3err.Error
	moreWarnings int
	// inspected is set once the inspector has c.
	inspected bool
	// hangup is set when the client closed the connection while the
	// response body was being sent.
	hangup *hangup
	// headerOwned is set once c.r.Header is the server's own copy (see
	// setQueryHeader).
	headerOwned bool

	// sw is what w points to, and idHeaders the values of the headers
	// every answer carries: held here, they cost no allocation of their own.
	sw        statusWriter
	idHeaders [3]string
}

// hangup records a download the client cut short.
type hangup struct {
	sent, length int64
}

func (s *Server) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{s: s, r: r, start: time.Now()}
	c.requestID, c.hostID = s.ids.next()
	c.sw = statusWriter{ResponseWriter: w, buffers: &s.copyBuffers, onStatus: c.inspectOnce}
	c.w = &c.sw
	// Header.Set would allocate one slice per header; the three share one
	// array, each capped so that an Add to one cannot overwrite the next.
	c.idHeaders = [3]string{c.requestID, c.hostID, "AmazonS3"}
	vals := c.idHeaders[:]
	h := w.Header()
	h["X-Amz-Request-Id"] = vals[0:1:1]
	h["X-Amz-Id-2"] = vals[1:2:2]
	h["Server"] = vals[2:3:3]
	c.bucket, c.key, c.virtualHost = s.address(r)
	c.query = verifier.RequestQuery(r)
	// The matchers in routes.go read the addressing result from the context.
	c.target = target{bucket: c.bucket, key: c.key, query: c.query, sub: subresourcesIn(c.query)}
	c.r = r.WithContext(withTarget(r.Context(), &c.target))
	return c
}

// fail writes err as an S3 error, unless err is nil. A non-S3 error is a
// bug or a store failure and becomes InternalError with a diagnosis.
func (c *call) fail(err error) {
	if err == nil {
		return
	}
	e, ok := s3err.As(err)
	if !ok {
		e = s3err.New(s3err.InternalError).WithDiagnosis("%v", err)
	}
	c.err = e
	if c.w.status != 0 {
		// Headers are gone; the client sees a truncated response. Log only.
		return
	}
	s3err.Write(c.w, c.r, e, c.requestID, c.hostID)
}

// finish logs the request: one line, never a secret. When the logger
// discards the line's level, the line is never built.
func (c *call) finish() {
	level := slog.LevelInfo
	if c.panicked != nil || c.err != nil && c.err.Code == s3err.InternalError {
		level = slog.LevelError
	}
	if !c.s.log.Enabled(c.r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", c.requestID),
		slog.String("method", c.r.Method),
		slog.String("path", c.r.URL.Path),
		slog.String("bucket", c.bucket),
		slog.String("operation", c.op),
		slog.Int("status", c.w.statusOr200()),
		slog.Duration("elapsed", time.Since(c.start)),
	}
	if c.auth != nil {
		attrs = append(attrs,
			slog.String("auth", string(c.auth.Identity.Auth)),
			slog.String("access_key_id", c.auth.Identity.AccessKeyID))
	} else if id := verifier.ClaimedAccessKeyID(c.r); id != "" {
		// A rejected request names a key it could not prove; the log still
		// says which, so a user can tell whose signature failed.
		attrs = append(attrs, slog.String("access_key_id", id))
	}
	if c.err != nil {
		attrs = append(attrs, slog.String("error", string(c.err.Code)))
		if ids := c.err.CauseIDs(); ids != "" {
			attrs = append(attrs, slog.String("causes", ids))
		}
		if c.err.Diagnosis != "" {
			attrs = append(attrs, slog.String("diagnosis", c.err.Diagnosis))
		}
	} else if c.hangup != nil {
		// Not a server failure: the client went away mid-body.
		attrs = append(attrs, slog.String("verdict", "client closed connection"),
			slog.Int64("bytes_sent", c.hangup.sent), slog.Int64("bytes_expected", c.hangup.length))
	} else {
		attrs = append(attrs, slog.String("verdict", "ok"))
		if c.grantedBy != "" {
			attrs = append(attrs, slog.String("granted_by", c.grantedBy))
		}
	}
	attrs, level = c.warnAttrs(attrs, level)
	if c.panicked != nil {
		attrs = append(attrs, slog.Any("panic", c.panicked))
	}
	c.s.log.LogAttrs(c.r.Context(), level, "s3 request", attrs...)
	c.inspectOnce()
}

// applyQueryHeaders makes x-amz-* values that rode in a pre-signed URL's
// query act as request headers, as S3 does, unless the header is present.
// Checksum values and x-amz-sdk-checksum-algorithm stay in the query: the
// verifier reads them there and, as S3 does, computes rather than enforces
// them (the JS SDK pre-signs the CRC32 of an empty body into PUT URLs).
func (c *call) applyQueryHeaders() {
	if c.auth == nil {
		return
	}
	c.applyQueryConditions()
	for name, vals := range c.auth.QueryHeaders {
		if _, isValue := verifier.ChecksumAlgorithmOf(name); isValue || strings.EqualFold(name, "X-Amz-Sdk-Checksum-Algorithm") {
			continue
		}
		if len(vals) > 0 && c.r.Header.Get(name) == "" {
			vals = append([]string(nil), vals...)
			if strings.HasPrefix(strings.ToLower(name), "x-amz-meta-") {
				// A query value is not bound to header syntax; S3 stores
				// non-ASCII metadata from it RFC 2047-encoded (spec §4).
				for i, v := range vals {
					vals[i] = headerValue(v)
				}
			}
			c.setQueryHeader(name, vals)
		}
	}
}

// setQueryHeader makes a query value act as the header name. c.r is the
// server's copy of the request, but its Header is still the caller's map,
// which a handler must not change: it is copied the first time a query
// value applies, and only then.
func (c *call) setQueryHeader(name string, vals []string) {
	if !c.headerOwned {
		c.r.Header = c.r.Header.Clone()
		c.headerOwned = true
	}
	c.r.Header[http.CanonicalHeaderKey(name)] = vals
}

// body returns the verified request body: reading it to EOF either yields
// io.EOF or the S3 error the payload checks found.
func (c *call) body(opts ...verifier.BodyOption) (*verifier.Body, error) {
	if c.auth == nil {
		return nil, errors.New("body requested on an unauthenticated operation")
	}
	if c.s.enforce == EnforceWarn {
		opts = append(opts, verifier.WarnOnly(c.warn))
	}
	return c.s.verifier.Body(c.r, c.auth, opts...)
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
	// onStatus runs once, when the status is decided and before the
	// client can see it (see call.inspectOnce).
	onStatus func()
	// buffers holds *[]byte of copyBufferSize for ReadFrom; nil copies
	// through the server's own ReadFrom only.
	buffers *sync.Pool
}

// copyBufferSize is the chunk a response body is written in when its
// source cannot write itself (no io.WriterTo): net/http's 32 KiB would cost
// a system call per 32 KiB of a large GET.
const copyBufferSize = 256 << 10

func newCopyBuffer() any {
	b := make([]byte, copyBufferSize)
	return &b
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.decide(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.decide(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom sends src without io.Copy's fresh 32 KiB buffer per response: a
// source that writes itself (a byte slice, a file) goes through the
// server's own ReadFrom, in one write or by sendfile; any other is copied
// in copyBufferSize chunks from a pooled buffer.
func (w *statusWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.decide(http.StatusOK)
	}
	if _, ok := src.(io.WriterTo); !ok && w.buffers != nil {
		bp := w.buffers.Get().(*[]byte)
		defer w.buffers.Put(bp)
		return io.CopyBuffer(writerOnly{w.ResponseWriter}, src, *bp)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

// writerOnly hides every method but Write, so io.Copy cannot recurse into
// ReadFrom.
type writerOnly struct{ io.Writer }

// decide records the status and tells onStatus, before the status is sent.
func (w *statusWriter) decide(code int) {
	w.status = code
	if w.onStatus != nil {
		w.onStatus()
	}
}

func (w *statusWriter) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
