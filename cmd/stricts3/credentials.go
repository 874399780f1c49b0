package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/verifier"
)

// credentialsEntry is one key of a --credentials file, as JSON spells it.
type credentialsEntry struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	// SessionToken makes the key temporary: requests must send it as
	// X-Amz-Security-Token.
	SessionToken string `json:"sessionToken"`
	// Expires (RFC 3339) is when SessionToken stops working.
	Expires string `json:"expires"`
	// Policy limits what the key may do; absent means everything (the
	// bucket owner). Its rules are decoded one by one so that errors name
	// the rule.
	Policy json.RawMessage `json:"policy"`
	// Account is the 12-digit AWS account id the key belongs to; absent
	// is the default account. Keys of different accounts own different
	// buckets and reach each other's only through bucket policies.
	Account string `json:"account"`
}

// loadCredentials reads and validates a --credentials file: a JSON array
// of keys, unknown fields refused. Every mistake is a usage error naming
// the file, the entry and the field.
func loadCredentials(path string) ([]verifier.Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("--credentials: %v", err)
	}
	creds, err := parseCredentials(data)
	if err != nil {
		return nil, usageErrorf("--credentials %s: %v", path, err)
	}
	return creds, nil
}

func parseCredentials(data []byte) ([]verifier.Credential, error) {
	var raw []json.RawMessage
	if err := strictDecode(data, &raw); err != nil {
		return nil, jsonProblem(data, err, "", "a JSON array of keys")
	}
	if len(raw) == 0 {
		return nil, errors.New("the array holds no key")
	}
	creds := make([]verifier.Credential, 0, len(raw))
	seen := map[string]int{}
	for i, r := range raw {
		var e credentialsEntry
		if err := strictDecode(r, &e); err != nil {
			return nil, jsonProblem(r, err, fmt.Sprintf("[%d]", i), "an object")
		}
		c, err := e.credential()
		if err != nil {
			if e.AccessKeyID != "" {
				return nil, fmt.Errorf("[%d] (accessKeyId %q): %v", i, e.AccessKeyID, err)
			}
			return nil, fmt.Errorf("[%d]: %v", i, err)
		}
		if j, dup := seen[c.AccessKeyID]; dup {
			return nil, fmt.Errorf("[%d].accessKeyId: %q is already entry [%d]", i, c.AccessKeyID, j)
		}
		seen[c.AccessKeyID] = i
		creds = append(creds, c)
	}
	return creds, nil
}

// strictDecode decodes one JSON value into v, refusing unknown fields and
// anything after the value.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func (e credentialsEntry) credential() (verifier.Credential, error) {
	c := verifier.Credential{AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken}
	if e.AccessKeyID == "" {
		return c, errors.New("accessKeyId: missing or empty")
	}
	if e.SecretAccessKey == "" {
		return c, errors.New("secretAccessKey: missing or empty")
	}
	if e.Account != "" && !isAccountID(e.Account) {
		return c, fmt.Errorf("account: want a 12-digit AWS account id such as \"111122223333\", got %q", e.Account)
	}
	c.Account = e.Account
	if e.Expires != "" {
		if e.SessionToken == "" {
			return c, errors.New("expires: applies to a sessionToken, and the entry has none")
		}
		t, err := time.Parse(time.RFC3339, e.Expires)
		if err != nil {
			return c, fmt.Errorf("expires: want an RFC 3339 time such as 2030-01-02T15:04:05Z, got %q", e.Expires)
		}
		c.Expires = t
	}
	if e.Policy == nil || string(e.Policy) == "null" {
		return c, nil
	}
	var rules []json.RawMessage
	if err := strictDecode(e.Policy, &rules); err != nil {
		return c, jsonProblem(e.Policy, err, "policy", "an array of rules")
	}
	if len(rules) == 0 {
		return c, errors.New(`policy: an empty list denies everything; omit "policy" for full access, or deny explicitly with {"effect":"Deny","actions":["*"],"resources":["*"]}`)
	}
	policy := make(access.Policy, len(rules))
	for i, r := range rules {
		if err := strictDecode(r, &policy[i]); err != nil {
			return c, jsonProblem(r, err, fmt.Sprintf("policy[%d]", i), "an object")
		}
	}
	if err := policy.Validate(); err != nil {
		return c, err
	}
	c.Allow, c.Denies = policy.Allow, policy.Denies
	return c, nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// jsonProblem restates an error decoding data, the value at where (a path
// such as "[1].policy[0]", or "" for the whole file) that should be what,
// in the file's terms: the field and the JSON types instead of Go's, the
// line and column of a syntax error.
func jsonProblem(data []byte, err error, where, what string) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return fmt.Errorf("%swant %s, got a JSON %s", prefix(where), what, typeErr.Value)
		}
		want := "a " + typeErr.Type.Kind().String()
		switch typeErr.Type.Kind() {
		case reflect.Slice:
			want = "an array"
		case reflect.Struct, reflect.Map:
			want = "an object"
		}
		return fmt.Errorf("%s: want %s, got a JSON %s", join(where, typeErr.Field), want, typeErr.Value)
	case errors.As(err, &syntaxErr):
		before := data[:min(int(syntaxErr.Offset), len(data))]
		line := bytes.Count(before, []byte("\n")) + 1
		col := len(before) - (bytes.LastIndexByte(before, '\n') + 1)
		return fmt.Errorf("%sline %d, column %d: %s", prefix(where), line, col, strings.TrimPrefix(err.Error(), "json: "))
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%swant %s, got nothing", prefix(where), what)
	}
	return fmt.Errorf("%s%s", prefix(where), strings.TrimPrefix(err.Error(), "json: "))
}

func prefix(where string) string {
	if where == "" {
		return ""
	}
	return where + ": "
}

func join(where, field string) string {
	if where == "" {
		return field
	}
	return where + "." + field
}
