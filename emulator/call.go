package emulator

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
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

	op   string
	auth *verifier.Result
	// postFields are a POST upload's form fields, which stand for the
	// request headers in bucket policy conditions (s3:x-amz-acl is the
	// form's acl field).
	postFields verifier.PostFields
	// err is the S3 error answered, if any, for the log line.
	err      *s3err.Error
	panicked any
}

func (s *Server) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{s: s, r: r, start: time.Now()}
	c.requestID, c.hostID = s.ids.next()
	c.w = &statusWriter{ResponseWriter: w}
	h := w.Header()
	h.Set("X-Amz-Request-Id", c.requestID)
	h.Set("X-Amz-Id-2", c.hostID)
	h.Set("Server", "AmazonS3")
	c.bucket, c.key, c.virtualHost = s.address(r)
	c.query = verifier.RequestQuery(r)
	// The matchers in routes.go read the addressing result from the context.
	c.r = r.WithContext(withTarget(r.Context(), target{bucket: c.bucket, key: c.key, query: c.query}))
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

// finish logs the request: one line, never a secret.
func (c *call) finish() {
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
	level := slog.LevelInfo
	if c.err != nil {
		attrs = append(attrs, slog.String("error", string(c.err.Code)))
		if ids := c.err.CauseIDs(); ids != "" {
			attrs = append(attrs, slog.String("causes", ids))
		}
		if c.err.Diagnosis != "" {
			attrs = append(attrs, slog.String("diagnosis", c.err.Diagnosis))
		}
		if c.err.Code == s3err.InternalError {
			level = slog.LevelError
		}
	} else {
		attrs = append(attrs, slog.String("verdict", "ok"))
	}
	if c.panicked != nil {
		attrs = append(attrs, slog.Any("panic", c.panicked))
		level = slog.LevelError
	}
	c.s.log.LogAttrs(c.r.Context(), level, "s3 request", attrs...)
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
			c.r.Header[http.CanonicalHeaderKey(name)] = vals
		}
	}
}

// body returns the verified request body: reading it to EOF either yields
// io.EOF or the S3 error the payload checks found.
func (c *call) body(opts ...verifier.BodyOption) (*verifier.Body, error) {
	if c.auth == nil {
		return nil, errors.New("body requested on an unauthenticated operation")
	}
	return c.s.verifier.Body(c.r, c.auth, opts...)
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
