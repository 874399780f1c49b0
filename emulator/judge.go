package emulator

import (
	"io"
	"net/http"
)

// Judge decides r as ServeHTTP would, up to the operation itself: routing,
// authentication (for a POST form upload, the form's own signature,
// policy and file size), the signer's permission for the operation's IAM
// action, and the body's payload hash and checksums. It runs no operation
// and changes nothing, so it needs no bucket to exist; the stricts3
// verify and explain commands use it to judge exactly as the server does.
// It returns the operation r asks for and the S3 error the server would
// answer (an *s3err.Error), or nil when the server would accept r.
func (s *Server) Judge(r *http.Request) (operation string, err error) {
	c := s.newCall(discardResponse{}, r)
	op := s.route(c.r)
	if op.name == "PostObject" {
		return op.name, s.judgePost(c)
	}
	if op.unauthenticated {
		return op.name, nil
	}
	res, err := s.verifier.Authenticate(c.r)
	if err != nil {
		return op.name, err
	}
	c.auth = res
	c.applyQueryHeaders()
	if err := s.authorizeIdentity(c, op); err != nil {
		return op.name, err
	}
	if c.r.Body == nil || c.r.Body == http.NoBody {
		return op.name, nil
	}
	body, err := c.body()
	if err != nil {
		return op.name, err
	}
	_, err = io.Copy(io.Discard, body)
	return op.name, err
}

// judgePost is postObject without the store: the form, its policy, the
// signer's s3:PutObject and the file's size.
func (s *Server) judgePost(c *call) error {
	up, err := s.acceptPost(c)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, up.File)
	return err
}

// discardResponse is the ResponseWriter of a judged request: nothing is
// answered.
type discardResponse struct{}

func (discardResponse) Header() http.Header         { return http.Header{} }
func (discardResponse) Write(p []byte) (int, error) { return len(p), nil }
func (discardResponse) WriteHeader(int)             {}
