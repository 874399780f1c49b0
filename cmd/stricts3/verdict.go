package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// verdict is the judgement of one request, as --json prints it.
type verdict struct {
	Valid   bool   `json:"valid"`
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
	// Operation is the S3 operation the request asks for.
	Operation   string           `json:"operation,omitempty"`
	Auth        string           `json:"auth"`
	AccessKeyID string           `json:"access_key_id,omitempty"`
	Causes      []verifier.Cause `json:"causes"`
	// CanonicalRequest and StringToSign are what strictS3 built from the
	// request as received.
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	// SignedCanonicalRequest and SignedStringToSign are what the signer
	// signed, when a cause was found by matching the signature.
	SignedCanonicalRequest string `json:"signed_canonical_request,omitempty"`
	SignedStringToSign     string `json:"signed_string_to_sign,omitempty"`

	explanation verifier.Explanation
	err         *s3err.Error
}

// judgeRequest judges r as the server would (srv.Judge) and keeps the
// signing steps (v.Explain) for the output. Explain reads no body, so it
// runs first.
func judgeRequest(srv *emulator.Server, v *verifier.Verifier, r *http.Request) verdict {
	ex := v.Explain(r)
	op, err := srv.Judge(r)
	vd := verdict{
		Valid: err == nil, Status: http.StatusOK, Operation: op,
		Auth: string(ex.AuthType), AccessKeyID: ex.AccessKeyID, Causes: []verifier.Cause{},
		CanonicalRequest: ex.CanonicalRequest, StringToSign: ex.StringToSign,
		SignedCanonicalRequest: ex.MatchedCanonicalRequest, SignedStringToSign: ex.MatchedStringToSign,
		explanation: ex,
	}
	if op == "PostObject" {
		vd.Auth = "post-form"
	}
	if err == nil {
		return vd
	}
	e, ok := s3err.As(err)
	if !ok {
		e = s3err.New(s3err.InternalError).WithDiagnosis("%v", err)
	}
	vd.err = e
	vd.Status, vd.Code, vd.Message = e.Status, string(e.Code), e.Message
	if e.Causes != nil {
		vd.Causes = e.Causes
	}
	return vd
}

func printJSON(w io.Writer, vd verdict) error {
	b, err := json.Marshal(vd)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// printVerdict prints the human form: with explain, the request and the
// signing steps first, then the diff against what the signer signed.
func printVerdict(w io.Writer, r *http.Request, vd verdict, explain bool) {
	if explain {
		ex := vd.explanation
		if vd.Auth == "post-form" {
			ex.AuthType = "post-form (the policy and its signature are form fields)"
		}
		printExplanation(w, r, ex)
		if vd.SignedCanonicalRequest != "" {
			fmt.Fprintln(w, "== CanonicalRequest: as received (-) vs as signed (+)")
			printLineDiff(w, vd.CanonicalRequest, vd.SignedCanonicalRequest)
			fmt.Fprintln(w)
		} else if vd.SignedStringToSign != "" {
			fmt.Fprintln(w, "== StringToSign: as received (-) vs as signed (+)")
			printLineDiff(w, vd.StringToSign, vd.SignedStringToSign)
			fmt.Fprintln(w)
		}
	}
	if vd.Valid {
		printAccepted(w, vd)
		return
	}
	printRejection(w, vd.err, explain)
}

func printAccepted(w io.Writer, vd verdict) {
	if vd.Auth == "post-form" {
		fmt.Fprintf(w, "OK: %s form upload\n", vd.Operation)
		return
	}
	fmt.Fprintf(w, "OK: %s request signed by %s (%s)\n", vd.Auth, vd.AccessKeyID, vd.Operation)
}

// printRejection prints the S3 error as its XML would carry it, and the
// causes. explained skips the signing steps printExplanation just showed.
func printRejection(w io.Writer, e *s3err.Error, explained bool) {
	fmt.Fprintf(w, "REJECTED: %d %s\n", e.Status, e.Code)
	fmt.Fprintf(w, "Message: %s\n", e.Message)
	for _, el := range e.Extra {
		if strings.HasSuffix(el.Name, "Bytes") {
			// The hex dumps repeat StringToSign/CanonicalRequest; skip noise.
			continue
		}
		if explained && (el.Name == "StringToSign" || el.Name == "CanonicalRequest" || el.Name == "SignatureProvided") {
			continue
		}
		if strings.Contains(el.Value, "\n") {
			fmt.Fprintf(w, "%s:\n%s\n", el.Name, indent(el.Value))
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", el.Name, el.Value)
	}
	if e.Diagnosis != "" {
		fmt.Fprintf(w, "Diagnosis: %s\n", e.Diagnosis)
	}
	if len(e.Causes) > 0 {
		fmt.Fprintln(w, "Causes:")
	}
	for _, c := range e.Causes {
		var ev strings.Builder
		for _, k := range sortedKeys(c.Evidence) {
			fmt.Fprintf(&ev, " %s=%q", k, c.Evidence[k])
		}
		fmt.Fprintf(w, "  %s%s\n", c.ID, ev.String())
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// readLimited reads r to the end, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than --max-input (%d bytes)", name, limit)
	}
	return bytes.Clone(b), nil
}
