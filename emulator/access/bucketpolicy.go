package access

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxBucketPolicySize is the largest bucket policy S3 stores (20 KB).
const MaxBucketPolicySize = 20 * 1024

// BucketPolicy is a parsed, validated S3 bucket policy: a resource policy
// attached to one bucket, naming who (Principal) may or may not do what.
type BucketPolicy struct {
	Version    string
	Statements []Statement
}

// Statement is one statement of a bucket policy.
type Statement struct {
	// Label names the statement in diagnoses: its Sid, or Statement[i].
	Label  string
	Effect Effect
	// NotPrincipal, NotAction and NotResource invert their lists, as the
	// IAM elements of those names do.
	Principals   principals
	NotPrincipal bool
	Actions      []string
	NotAction    bool
	Resources    []string
	NotResource  bool
	Conditions   []condition
}

// MalformedPolicyError is a bucket policy S3 refuses; Message is S3's wire
// message for the MalformedPolicy error.
type MalformedPolicyError struct {
	Message string
	// Detail says where, for the diagnosis (never sent as the message).
	Detail string
}

func (e *MalformedPolicyError) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + " (" + e.Detail + ")"
}

// S3's MalformedPolicy messages. The first nine are the wire texts other
// S3 implementations reproduce from AWS; "Missing required field
// Principal/Action/Resource/Effect" follow the form of the Statement one
// (strictS3's choice where no captured AWS body was found), as does
// "Invalid effect".
const (
	msgFirstByte        = "Policies must be valid JSON and the first byte must be '{'"
	msgInvalidJSON      = "This policy contains invalid Json"
	msgMissingStatement = "Missing required field Statement"
	msgEmptyStatement   = "Could not parse the policy: Statement is empty!"
	msgInvalidVersion   = "The policy must contain a valid version string"
	msgInvalidPrincipal = "Invalid principal in policy"
	msgInvalidAction    = "Policy has invalid action"
	msgInvalidResource  = "Policy has invalid resource"
	msgResourceMismatch = "Action does not apply to any resource(s) in statement"
	msgInvalidCondKey   = "Policy has an invalid condition key"
	msgInvalidIP        = "Invalid IP address in Conditions"
	msgMissingPrincipal = "Missing required field Principal"
	msgMissingAction    = "Missing required field Action"
	msgMissingResource  = "Missing required field Resource"
	msgMissingEffect    = "Missing required field Effect"
	msgInvalidEffect    = "Invalid effect: "
	msgPolicyTooLarge   = "Policies must be less than 20 KB"
	msgInvalidCondOp    = "Invalid Condition type : "
	msgInvalidCondValue = "Invalid Condition value"
)

func malformed(msg, format string, args ...any) *MalformedPolicyError {
	return &MalformedPolicyError{Message: msg, Detail: fmt.Sprintf(format, args...)}
}

type rawPolicy struct {
	Version   *string         `json:"Version"`
	ID        string          `json:"Id"`
	Statement json.RawMessage `json:"Statement"`
}

type rawStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       *string                               `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       stringList                            `json:"Action"`
	NotAction    stringList                            `json:"NotAction"`
	Resource     stringList                            `json:"Resource"`
	NotResource  stringList                            `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

// stringList is an IAM element that is a string or an array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// ParseBucketPolicy parses and validates doc as a policy for bucket, with
// S3's rules: a JSON object, Version 2012-10-17 or 2008-10-17 when given,
// at least one statement, each with an Effect, a Principal, known S3
// actions and resources inside bucket. The error is a *MalformedPolicyError.
func ParseBucketPolicy(doc []byte, bucket string) (*BucketPolicy, error) {
	if len(doc) > MaxBucketPolicySize {
		return nil, malformed(msgPolicyTooLarge, "the policy is %d bytes", len(doc))
	}
	if len(doc) == 0 || doc[0] != '{' {
		return nil, malformed(msgFirstByte, "")
	}
	var raw rawPolicy
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, malformed(msgInvalidJSON, "%v", err)
	}
	p := &BucketPolicy{Version: "2008-10-17"}
	if raw.Version != nil {
		if *raw.Version != "2012-10-17" && *raw.Version != "2008-10-17" {
			return nil, malformed(msgInvalidVersion, "Version %q; want 2012-10-17", *raw.Version)
		}
		p.Version = *raw.Version
	}
	stmts, err := rawStatements(raw.Statement)
	if err != nil {
		return nil, err
	}
	for i, rs := range stmts {
		st, err := parseStatement(rs, i, bucket)
		if err != nil {
			return nil, err
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

// rawStatements reads Statement, which IAM allows as one object or a list.
func rawStatements(b json.RawMessage) ([]rawStatement, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil, malformed(msgMissingStatement, "")
	}
	var list []rawStatement
	if b[0] == '{' {
		var one rawStatement
		if err := json.Unmarshal(b, &one); err != nil {
			return nil, malformed(msgInvalidJSON, "Statement: %v", err)
		}
		list = []rawStatement{one}
	} else if err := json.Unmarshal(b, &list); err != nil {
		return nil, malformed(msgInvalidJSON, "Statement: %v", err)
	}
	if len(list) == 0 {
		return nil, malformed(msgEmptyStatement, "")
	}
	return list, nil
}

func parseStatement(rs rawStatement, i int, bucket string) (Statement, error) {
	st := Statement{Label: rs.Sid}
	if st.Label == "" {
		st.Label = fmt.Sprintf("Statement[%d]", i)
	}
	where := st.Label
	switch {
	case rs.Effect == nil:
		return st, malformed(msgMissingEffect, "%s", where)
	case *rs.Effect != string(Allow) && *rs.Effect != string(Deny):
		return st, malformed(msgInvalidEffect+*rs.Effect, "%s", where)
	}
	st.Effect = Effect(*rs.Effect)

	princ := rs.Principal
	if princ == nil && rs.NotPrincipal != nil {
		princ, st.NotPrincipal = rs.NotPrincipal, true
	}
	if princ == nil {
		return st, malformed(msgMissingPrincipal, "%s", where)
	}
	ps, err := parsePrincipals(princ)
	if err != nil {
		return st, malformed(msgInvalidPrincipal, "%s: %v", where, err)
	}
	st.Principals = ps

	st.Actions, st.NotAction = rs.Action, false
	if st.Actions == nil && rs.NotAction != nil {
		st.Actions, st.NotAction = rs.NotAction, true
	}
	if len(st.Actions) == 0 {
		return st, malformed(msgMissingAction, "%s", where)
	}
	for _, a := range st.Actions {
		if !knownActionPattern(a) {
			return st, malformed(msgInvalidAction, "%s: %q is not an S3 action", where, a)
		}
	}

	st.Resources = rs.Resource
	if st.Resources == nil && rs.NotResource != nil {
		st.Resources, st.NotResource = rs.NotResource, true
	}
	if len(st.Resources) == 0 {
		return st, malformed(msgMissingResource, "%s", where)
	}
	for _, r := range st.Resources {
		if !resourceInBucket(r, bucket) {
			return st, malformed(msgInvalidResource, "%s: %q is not bucket %s or an object in it", where, r, bucket)
		}
	}
	if !st.NotAction && !st.NotResource {
		if a, ok := actionWithoutResource(st.Actions, st.Resources); !ok {
			return st, malformed(msgResourceMismatch, "%s: %s needs a resource of its level (arn:aws:s3:::%s or arn:aws:s3:::%s/...)", where, a, bucket, bucket)
		}
	}

	conds, err := parseConditions(rs.Condition)
	if err != nil {
		if mp, ok := err.(*MalformedPolicyError); ok {
			mp.Detail = where + ": " + mp.Detail
		}
		return st, err
	}
	st.Conditions = conds
	return st, nil
}

// resourceInBucket reports whether r names bucket or objects in it: a
// bucket policy may only speak of its own bucket.
func resourceInBucket(r, bucket string) bool {
	rest, ok := strings.CutPrefix(r, arnPrefix)
	if !ok {
		return false
	}
	name, _, _ := strings.Cut(rest, "/")
	return name == bucket || strings.ContainsAny(name, "*?") && wildcardMatch(name, bucket)
}

// actionWithoutResource finds an action whose level of resource no
// resource of the statement has (s3:GetObject with only the bucket ARN).
// Wildcard actions are not checked: "s3:*" applies to any resource.
func actionWithoutResource(actions, resources []string) (string, bool) {
	var bucketRes, objectRes bool
	for _, r := range resources {
		rest := strings.TrimPrefix(r, arnPrefix)
		name, _, hasKey := strings.Cut(rest, "/")
		switch {
		case hasKey:
			objectRes = true
		case strings.Contains(name, "*"):
			bucketRes, objectRes = true, true
		default:
			bucketRes = true
		}
	}
	for _, a := range actions {
		level, ok := s3Actions[strings.ToLower(a)]
		if !ok {
			continue
		}
		if level == objectLevel && !objectRes || level == bucketLevel && !bucketRes {
			return a, false
		}
	}
	return "", true
}

// principals is a statement's Principal element.
type principals struct {
	// anyone is "*" or {"AWS": "*"}: every caller, anonymous included.
	anyone bool
	// accounts are account ids named by id or root ARN.
	accounts []string
	// arns are principal ARNs (arn:aws:iam::<account>:user/<name>).
	arns []string
	// canonicalIDs are CanonicalUser principals (an account's canonical id).
	canonicalIDs []string
}

var (
	accountID   = regexp.MustCompile(`^[0-9]{12}$`)
	rootARN     = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):root$`)
	userARN     = regexp.MustCompile(`^arn:aws:(iam|sts)::[0-9]{12}:[a-z-]+/.+$`)
	canonicalID = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

func parsePrincipals(b json.RawMessage) (principals, error) {
	var ps principals
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		if star != "*" {
			return ps, fmt.Errorf("a string Principal must be \"*\", got %q", star)
		}
		ps.anyone = true
		return ps, nil
	}
	var m map[string]stringList
	if err := json.Unmarshal(b, &m); err != nil {
		return ps, fmt.Errorf("want \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}")
	}
	if len(m) == 0 {
		return ps, fmt.Errorf("the Principal object names no one")
	}
	for kind, values := range m {
		for _, v := range values {
			switch {
			case kind == "AWS" && v == "*":
				ps.anyone = true
			case kind == "AWS" && accountID.MatchString(v):
				ps.accounts = append(ps.accounts, v)
			case kind == "AWS" && rootARN.MatchString(v):
				ps.accounts = append(ps.accounts, rootARN.FindStringSubmatch(v)[1])
			case kind == "AWS" && userARN.MatchString(v):
				ps.arns = append(ps.arns, v)
			case kind == "CanonicalUser" && canonicalID.MatchString(v):
				ps.canonicalIDs = append(ps.canonicalIDs, v)
			case kind == "Service" && strings.HasSuffix(v, ".amazonaws.com"):
				// Service principals are valid and never match a key.
			default:
				return ps, fmt.Errorf("%s principal %q", kind, v)
			}
		}
	}
	return ps, nil
}

// IsPublic reports whether p grants anything to everyone, as S3's
// PolicyStatus and Block Public Access judge it: an Allow statement whose
// Principal is "*" (or a NotPrincipal) without a condition that narrows it
// to fixed source IPs or accounts. strictS3 treats any condition on
// aws:SourceIp, aws:PrincipalAccount or aws:PrincipalArn as narrowing.
func (p *BucketPolicy) IsPublic() bool {
	for _, st := range p.Statements {
		if st.Effect != Allow || !(st.Principals.anyone || st.NotPrincipal) {
			continue
		}
		narrowed := false
		for _, c := range st.Conditions {
			if !c.negated() && (c.key == "aws:sourceip" || c.key == "aws:principalaccount" || c.key == "aws:principalarn") {
				narrowed = true
			}
		}
		if !narrowed {
			return true
		}
	}
	return false
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
