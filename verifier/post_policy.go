package verifier

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// postPolicy is a decoded POST policy document.
type postPolicy struct {
	expiration time.Time
	conditions []postCondition
	// sizeRange is the intersection of the content-length-range conditions;
	// nil when there is none.
	sizeRange *sizeRange
}

// sizeRange bounds the file size, both ends inclusive.
type sizeRange struct{ min, max int64 }

// postInputs are the values conditions are matched against.
type postInputs struct {
	fields PostFields
	order  []string
	// bucket is the bucket of the URL; it is an input even though forms
	// rarely carry a bucket field.
	bucket string
	// key is the key field with ${filename} expanded.
	key    string
	scheme postScheme
}

// value returns the input called name (lower-case) and whether it exists.
func (in postInputs) value(name string) (string, bool) {
	switch name {
	case "bucket":
		return in.bucket, true
	case "key":
		return in.key, in.fields.Has("key")
	}
	v, ok := in.fields[name]
	return v, ok
}

// postCondition is one entry of the policy's conditions list.
type postCondition interface {
	// covers is the lower-cased input the condition names, "" for none.
	covers() string
	// match reports whether in satisfies the condition.
	match(in postInputs) bool
	// echo is the condition as S3 quotes it in "Policy Condition failed".
	echo() string
}

// exactCondition is {"field": "value"} or ["eq", "$field", "value"].
type exactCondition struct {
	field, value, text string
}

func (c exactCondition) covers() string { return c.field }
func (c exactCondition) echo() string   { return c.text }
func (c exactCondition) match(in postInputs) bool {
	v, ok := in.value(c.field)
	return ok && v == c.value
}

// startsWithCondition is ["starts-with", "$field", "prefix"]; an empty
// prefix means "any value", never "optional".
type startsWithCondition struct {
	field, prefix, text string
}

func (c startsWithCondition) covers() string { return c.field }
func (c startsWithCondition) echo() string   { return c.text }
func (c startsWithCondition) match(in postInputs) bool {
	// success_action_status supports exact matching only.
	if c.field == "success_action_status" {
		return false
	}
	v, ok := in.value(c.field)
	if !ok {
		return false
	}
	// A Content-Type holding commas is a list; every entry must match
	// ("Matching Content-Types in a Comma-Separated List", POST policy docs).
	if c.field == "content-type" {
		for _, part := range strings.Split(v, ",") {
			if !strings.HasPrefix(part, c.prefix) {
				return false
			}
		}
		return true
	}
	return strings.HasPrefix(v, c.prefix)
}

// lengthRangeCondition is ["content-length-range", min, max]; the file is
// measured while it streams, so as a condition it always holds.
type lengthRangeCondition struct {
	r    sizeRange
	text string
}

func (c lengthRangeCondition) covers() string        { return "" }
func (c lengthRangeCondition) echo() string          { return c.text }
func (c lengthRangeCondition) match(postInputs) bool { return true }

// brokenCondition is a condition S3 cannot interpret (unknown operator, a
// field without "$", a non-numeric range...). S3 does not reject the policy
// for it; the condition simply fails.
type brokenCondition struct{ text string }

func (c brokenCondition) covers() string        { return "" }
func (c brokenCondition) echo() string          { return c.text }
func (c brokenCondition) match(postInputs) bool { return false }

func invalidPolicy(msg string) *s3err.Error {
	return s3err.Newf(s3err.InvalidPolicyDocument, "Invalid Policy: %s", msg)
}

// parsePostPolicy decodes the base64 policy field and its JSON document.
func parsePostPolicy(field string) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(field), ""))
	if err != nil {
		return nil, invalidPolicy("Invalid JSON.").WithDiagnosis("the policy field is not base64: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(unescapePolicyExtras(raw)))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, invalidPolicy("Invalid JSON.").WithDiagnosis("the decoded policy is not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, invalidPolicy("Invalid JSON.").WithDiagnosis("the decoded policy has data after its JSON object")
	}
	if name := unexpectedMember(doc); name != "" {
		// S3 names the member lower-cased in single quotes ("Unexpected:
		// 'statement'" for an IAM policy's "Statement", in a recorded AWS
		// answer), before it looks at expiration or conditions. Member
		// names are case-sensitive: "CONDITIONS" is not "conditions".
		return nil, invalidPolicy("Unexpected: '"+strings.ToLower(name)+"'").
			WithDiagnosis("a POST policy holds only \"expiration\" and \"conditions\", spelled in lower case; it has %q", name)
	}
	p := &postPolicy{}
	exp, ok := doc["expiration"].(string)
	if !ok || !policyExpiration.MatchString(exp) {
		shown := exp
		if e, present := doc["expiration"]; present && !ok {
			shown = echoJSON(e)
		}
		return nil, invalidPolicy("Invalid 'expiration' value: '" + shown + "'").
			WithDiagnosis("expiration must be an ISO 8601 UTC time such as 2007-12-01T12:00:00.000Z")
	}
	if p.expiration, err = time.Parse(time.RFC3339Nano, exp); err != nil {
		return nil, invalidPolicy("Invalid 'expiration' value: '"+exp+"'").WithDiagnosis("%v", err)
	}
	c, ok := doc["conditions"]
	if !ok {
		// No AWS answer is recorded for this; S3's status is 400 (s3-tests'
		// test_post_object_missing_conditions_list), the message is what
		// versitygw, modelled on S3, sends.
		return nil, invalidPolicy("Policy missing conditions.").
			WithDiagnosis("the policy has no \"conditions\" list; even a policy that allows everything lists the bucket and key")
	}
	conds, ok := c.([]any)
	if !ok {
		return nil, invalidPolicy("Invalid JSON.").WithDiagnosis("the policy's conditions is not a JSON array")
	}
	for _, c := range conds {
		pc, err := parsePostCondition(c)
		if err != nil {
			return nil, err
		}
		if lr, ok := pc.(lengthRangeCondition); ok {
			if p.sizeRange == nil {
				p.sizeRange = &sizeRange{min: lr.r.min, max: lr.r.max}
			} else {
				p.sizeRange.min = max(p.sizeRange.min, lr.r.min)
				p.sizeRange.max = min(p.sizeRange.max, lr.r.max)
			}
		}
		p.conditions = append(p.conditions, pc)
	}
	return p, nil
}

// policyExpiration is the accepted expiration syntax: UTC with a Z, whole
// seconds or a fraction (2007-12-01T12:00:00.000Z, 2007-12-01T12:00:00Z).
var policyExpiration = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$`)

func parsePostCondition(c any) (postCondition, error) {
	switch c := c.(type) {
	case map[string]any:
		if len(c) != 1 {
			return nil, invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for name, v := range c {
			switch v := v.(type) {
			case string:
				return exactCondition{field: strings.ToLower(name), value: v, text: echoList("eq", "$"+name, v)}, nil
			case nil:
				// Recorded from AWS: null is "Invalid JSON.", a number
				// "value must be a string."
				return nil, invalidPolicy("Invalid JSON.").WithDiagnosis("the condition on %q has the value null", name)
			default:
				return nil, invalidPolicy("Invalid Simple-Condition: value must be a string.").
					WithDiagnosis("the condition on %q has the value %s; quote it", name, echoJSON(v))
			}
		}
	case []any:
		text := echoList(c...)
		if len(c) == 0 {
			return brokenCondition{text}, nil
		}
		op, _ := c[0].(string)
		switch {
		case (op == "eq" || op == "starts-with") && len(c) == 3:
			name, ok1 := c[1].(string)
			val, ok2 := c[2].(string)
			if !ok1 || !ok2 || !strings.HasPrefix(name, "$") {
				return brokenCondition{text}, nil
			}
			field := strings.ToLower(name[1:])
			if op == "eq" {
				return exactCondition{field: field, value: val, text: text}, nil
			}
			return startsWithCondition{field: field, prefix: val, text: text}, nil
		case op == "content-length-range":
			return parseLengthRange(c, text)
		}
		return brokenCondition{text}, nil
	}
	return brokenCondition{echoJSON(c)}, nil
}

// parseLengthRange reads ["content-length-range", min, max]. A range S3
// cannot use is refused with the whole policy (400), except bounds that
// are strings of something other than digits, which it lets fail as a
// condition (403, recorded). The wrong-number message is versitygw's,
// modelled on S3 (s3-tests' test_post_object_missing_content_length_argument
// expects 400 for one bound). A fractional bound answers "Invalid JSON." in
// a recorded AWS answer; strictS3 answers a negative one the same way, as
// S3's reader evidently takes bounds as non-negative integers
// (test_post_object_invalid_content_length_argument expects 400).
func parseLengthRange(c []any, text string) (postCondition, error) {
	if len(c) != 3 {
		return nil, invalidPolicy("Invalid content-length-range: wrong number of arguments.").
			WithDiagnosis("content-length-range takes a minimum and a maximum: %s", text)
	}
	var r [2]int64
	for i, v := range c[1:] {
		switch v := v.(type) {
		case json.Number:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || n < 0 {
				return nil, invalidPolicy("Invalid JSON.").
					WithDiagnosis("content-length-range bounds are non-negative integers, not %s", v)
			}
			r[i] = n
		case string:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return brokenCondition{text}, nil
			}
			r[i] = n
		default:
			return brokenCondition{text}, nil
		}
	}
	return lengthRangeCondition{r: sizeRange{r[0], r[1]}, text: text}, nil
}

// unexpectedMember returns a top-level policy member other than
// expiration and conditions, "" when there is none. Of several, the first
// in byte order is named: which one S3 names is not recorded.
func unexpectedMember(doc map[string]any) string {
	var names []string
	for name := range doc {
		if name != "expiration" && name != "conditions" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return names[0]
}

// echoList renders a condition as S3 quotes it: a JSON array with ", "
// between elements, values as the policy gave them.
func echoList(elems ...any) string {
	parts := make([]string, len(elems))
	for i, e := range elems {
		parts[i] = echoJSON(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func echoJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// unescapePolicyExtras turns the two escapes POST policies allow beyond
// JSON's, \$ and \v, into JSON, leaving every other escape to the decoder.
func unescapePolicyExtras(raw []byte) []byte {
	if !bytes.Contains(raw, []byte(`\`)) {
		return raw
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 == len(raw) {
			out = append(out, raw[i])
			continue
		}
		switch raw[i+1] {
		case '$':
			out = append(out, '$')
		case 'v':
			out = append(out, `\u000b`...)
		default:
			out = append(out, raw[i], raw[i+1])
		}
		i++
	}
	return out
}

// evaluate checks every condition against the inputs, in policy order,
// then that every input is covered by some condition.
func (p *postPolicy) evaluate(in postInputs) error {
	covered := map[string]bool{}
	for _, c := range p.conditions {
		if !c.match(in) {
			return s3err.Newf(s3err.AccessDenied, "Invalid according to Policy: Policy Condition failed: %s", c.echo()).
				WithDiagnosis("%s", conditionDiagnosis(c, in))
		}
		if f := c.covers(); f != "" {
			covered[f] = true
		}
	}
	names := append([]string{"bucket"}, in.order...)
	for _, name := range names {
		if covered[name] || postFieldExempt(name, in.scheme) {
			continue
		}
		return s3err.Newf(s3err.AccessDenied, "Invalid according to Policy: Extra input fields: %s", name).
			WithDiagnosis("every form field (and the bucket) needs a policy condition; add e.g. [\"starts-with\", \"$%s\", \"\"] to the policy", name)
	}
	return nil
}

// postFieldExempt lists the fields that need no condition.
func postFieldExempt(name string, scheme postScheme) bool {
	switch name {
	case "policy", "x-amz-signature", "file":
		return true
	case "awsaccesskeyid", "signature":
		return scheme == postSigV2
	}
	return strings.HasPrefix(name, "x-ignore-")
}

func conditionDiagnosis(c postCondition, in postInputs) string {
	switch c := c.(type) {
	case brokenCondition:
		return "the condition cannot be interpreted (operators are eq, starts-with and content-length-range with integer bounds; field names need a leading $)"
	case startsWithCondition:
		if c.field == "success_action_status" {
			return "success_action_status supports exact matching only"
		}
	}
	f := c.covers()
	v, ok := in.value(f)
	if !ok {
		return "the form has no field " + strconv.Quote(f) + " before the file part; a condition is never optional"
	}
	return "the form's " + f + " is " + strconv.Quote(v)
}
