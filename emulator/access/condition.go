package access

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Condition keys a bucket policy may test, lower-cased as IAM compares
// them. Other keys are refused with "Policy has an invalid condition key"
// rather than silently never matching.
const (
	KeySecureTransport  = "aws:securetransport"
	KeySourceIP         = "aws:sourceip"
	KeyCurrentTime      = "aws:currenttime"
	KeyEpochTime        = "aws:epochtime"
	KeyReferer          = "aws:referer"
	KeyUserAgent        = "aws:useragent"
	KeyPrincipalAccount = "aws:principalaccount"
	KeyPrincipalARN     = "aws:principalarn"
	KeyPrefix           = "s3:prefix"
	KeyDelimiter        = "s3:delimiter"
	KeyMaxKeys          = "s3:max-keys"
	KeyACL              = "s3:x-amz-acl"
	KeySSE              = "s3:x-amz-server-side-encryption"
	KeyStorageClass     = "s3:x-amz-storage-class"
	KeyContentSHA256    = "s3:x-amz-content-sha256"
	KeyAuthType         = "s3:authtype"
	KeySignatureVersion = "s3:signatureversion"
)

var conditionKeys = map[string]bool{
	KeySecureTransport: true, KeySourceIP: true, KeyCurrentTime: true, KeyEpochTime: true, KeyReferer: true,
	KeyUserAgent: true, KeyPrincipalAccount: true, KeyPrincipalARN: true, KeyPrefix: true, KeyDelimiter: true,
	KeyMaxKeys: true, KeyACL: true, KeySSE: true, KeyStorageClass: true, KeyContentSHA256: true, KeyAuthType: true,
	KeySignatureVersion: true,
}

// compare is a condition operator's test of one request value against one
// policy value.
type compare func(have, want string) bool

type operator struct {
	cmp compare
	// negated operators (StringNotEquals, NotIpAddress, ...) hold when no
	// policy value matches, and when the key is absent.
	negated bool
	// check validates a policy value when the policy is put.
	check func(string) error
}

func anyValue(string) error { return nil }

func checkNumber(v string) error {
	if _, ok := parseFloat(v); !ok {
		return fmt.Errorf("%q is not a number", v)
	}
	return nil
}

func checkDate(v string) error {
	if _, ok := parseDate(v); !ok {
		return fmt.Errorf("%q is not a date (ISO 8601 or epoch seconds)", v)
	}
	return nil
}

func checkBool(v string) error {
	if v != "true" && v != "false" {
		return fmt.Errorf("%q is not true or false", v)
	}
	return nil
}

func checkIP(v string) error {
	if _, ok := parsePrefix(v); !ok {
		return fmt.Errorf("%q is not an IP address or CIDR block", v)
	}
	return nil
}

func numeric(f func(a, b float64) bool) compare {
	return func(have, want string) bool {
		a, ok1 := parseFloat(have)
		b, ok2 := parseFloat(want)
		return ok1 && ok2 && f(a, b)
	}
}

func date(f func(a, b time.Time) bool) compare {
	return func(have, want string) bool {
		a, ok1 := parseDate(have)
		b, ok2 := parseDate(want)
		return ok1 && ok2 && f(a, b)
	}
}

func parseDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

func ipIn(have, want string) bool {
	a, err := netip.ParseAddr(have)
	p, ok := parsePrefix(want)
	return err == nil && ok && p.Contains(a.Unmap())
}

var (
	stringEq     = func(have, want string) bool { return have == want }
	stringEqFold = strings.EqualFold
	stringLike   = func(have, want string) bool { return wildcardMatch(want, have) }
	numEq        = numeric(func(a, b float64) bool { return a == b })
	dateEq       = date(func(a, b time.Time) bool { return a.Equal(b) })
)

// operators are IAM's condition operators (lower-cased), without the
// IfExists suffix and ForAnyValue/ForAllValues qualifiers.
var operators = map[string]operator{
	"stringequals":              {cmp: stringEq, check: anyValue},
	"stringnotequals":           {cmp: stringEq, negated: true, check: anyValue},
	"stringequalsignorecase":    {cmp: stringEqFold, check: anyValue},
	"stringnotequalsignorecase": {cmp: stringEqFold, negated: true, check: anyValue},
	"stringlike":                {cmp: stringLike, check: anyValue},
	"stringnotlike":             {cmp: stringLike, negated: true, check: anyValue},
	"arnequals":                 {cmp: stringEq, check: anyValue},
	"arnnotequals":              {cmp: stringEq, negated: true, check: anyValue},
	"arnlike":                   {cmp: stringLike, check: anyValue},
	"arnnotlike":                {cmp: stringLike, negated: true, check: anyValue},
	"numericequals":             {cmp: numEq, check: checkNumber},
	"numericnotequals":          {cmp: numEq, negated: true, check: checkNumber},
	"numericlessthan":           {cmp: numeric(func(a, b float64) bool { return a < b }), check: checkNumber},
	"numericlessthanequals":     {cmp: numeric(func(a, b float64) bool { return a <= b }), check: checkNumber},
	"numericgreaterthan":        {cmp: numeric(func(a, b float64) bool { return a > b }), check: checkNumber},
	"numericgreaterthanequals":  {cmp: numeric(func(a, b float64) bool { return a >= b }), check: checkNumber},
	"dateequals":                {cmp: dateEq, check: checkDate},
	"datenotequals":             {cmp: dateEq, negated: true, check: checkDate},
	"datelessthan":              {cmp: date(time.Time.Before), check: checkDate},
	"datelessthanequals":        {cmp: date(func(a, b time.Time) bool { return !a.After(b) }), check: checkDate},
	"dategreaterthan":           {cmp: date(time.Time.After), check: checkDate},
	"dategreaterthanequals":     {cmp: date(func(a, b time.Time) bool { return !a.Before(b) }), check: checkDate},
	"bool":                      {cmp: stringEqFold, check: checkBool},
	"ipaddress":                 {cmp: ipIn, check: checkIP},
	"notipaddress":              {cmp: ipIn, negated: true, check: checkIP},
}

// condition is one (operator, key, values) test of a statement.
type condition struct {
	op       string // as written, for diagnoses
	key      string // lower-cased
	values   []string
	operator operator
	ifExists bool
	// forAll is ForAllValues; forAny (ForAnyValue) behaves as the plain
	// operator for the single-valued keys strictS3 provides.
	forAll bool
	// null is the Null operator: true means "the key is absent".
	null bool
}

func (c condition) negated() bool { return c.operator.negated }

func parseConditions(m map[string]map[string]json.RawMessage) ([]condition, error) {
	var out []condition
	for opName, keys := range m {
		base := strings.ToLower(opName)
		c := condition{op: opName}
		if rest, ok := strings.CutPrefix(base, "forallvalues:"); ok {
			base, c.forAll = rest, true
		} else if rest, ok := strings.CutPrefix(base, "foranyvalue:"); ok {
			base = rest
		}
		if rest, ok := strings.CutSuffix(base, "ifexists"); ok && rest != "" {
			base, c.ifExists = rest, true
		}
		check := checkBool
		if base == "null" {
			c.null = true
		} else {
			op, ok := operators[base]
			if !ok {
				return nil, malformed(msgInvalidCondOp+opName, "unknown condition operator")
			}
			c.operator, check = op, op.check
		}
		for key, raw := range keys {
			values, err := conditionValues(raw)
			if err != nil {
				return nil, malformed(msgInvalidCondValue, "%s %s: %v", opName, key, err)
			}
			lk := strings.ToLower(key)
			if !conditionKeys[lk] {
				return nil, malformed(msgInvalidCondKey, "%s: strictS3 knows %s", key, knownKeys())
			}
			for _, v := range values {
				if err := check(v); err != nil {
					if base == "ipaddress" || base == "notipaddress" {
						return nil, malformed(msgInvalidIP, "%s %s: %v", opName, key, err)
					}
					return nil, malformed(msgInvalidCondValue, "%s %s: %v", opName, key, err)
				}
			}
			cc := c
			cc.key, cc.values = lk, values
			out = append(out, cc)
		}
	}
	return out, nil
}

func knownKeys() string {
	return "aws:SecureTransport, aws:SourceIp, aws:CurrentTime, aws:EpochTime, aws:Referer, aws:UserAgent, " +
		"aws:PrincipalAccount, aws:PrincipalArn, s3:prefix, s3:delimiter, s3:max-keys, s3:x-amz-acl, " +
		"s3:x-amz-server-side-encryption, s3:x-amz-storage-class, s3:x-amz-content-sha256, s3:authType, s3:signatureversion"
}

// conditionValues reads a condition value: a string, number or boolean,
// or a list of them, compared as strings.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out = append(out, s)
			continue
		}
		var b bool
		if err := json.Unmarshal(v, &b); err == nil {
			out = append(out, strconv.FormatBool(b))
			continue
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err == nil {
			out = append(out, n.String())
			continue
		}
		return nil, fmt.Errorf("want a string, number or boolean, got %s", v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no value")
	}
	return out, nil
}

// holds evaluates c against the request's condition values (keys
// lower-cased). A key the request does not carry makes a condition false,
// except for negated operators, IfExists and Null, as IAM evaluates them.
func (c condition) holds(ctx map[string][]string) bool {
	have, present := ctx[c.key]
	present = present && len(have) > 0
	if c.null {
		return c.values[0] == strconv.FormatBool(!present)
	}
	if !present {
		return c.ifExists || c.negated() || c.forAll
	}
	matchOne := func(h string) bool {
		for _, w := range c.values {
			if c.operator.cmp(h, w) {
				return true
			}
		}
		return false
	}
	if c.forAll {
		for _, h := range have {
			if matchOne(h) == c.negated() {
				return false
			}
		}
		return true
	}
	for _, h := range have {
		if matchOne(h) {
			return !c.negated()
		}
	}
	return c.negated()
}
