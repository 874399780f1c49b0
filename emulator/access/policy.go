package access

import (
	"fmt"
	"strings"
)

// Effect says whether a Rule grants or refuses what it matches.
type Effect string

// The two effects IAM knows, spelled as IAM spells them.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Rule is one statement of an identity policy: Effect applies to a request
// whose action matches one of Actions and whose resource matches one of
// Resources.
type Rule struct {
	Effect Effect `json:"effect"`
	// Actions are IAM action names or patterns: "s3:GetObject", "s3:Get*",
	// "s3:*", or "*" for every action.
	Actions []string `json:"actions"`
	// Resources are S3 ARN patterns: "arn:aws:s3:::bucket" for the bucket,
	// "arn:aws:s3:::bucket/prefix/*" for objects, "*" for everything.
	Resources []string `json:"resources"`
}

// Policy is a set of Rules evaluated together.
type Policy []Rule

// Allow reports whether p lets action (an IAM action name such as
// "s3:PutObject") be performed on bucket/key. key is empty for bucket-level
// actions and bucket too for s3:ListAllMyBuckets. An explicit Deny wins
// over any Allow; with no matching rule the answer is no.
//
// Allow has the signature of verifier.Credential.Allow. It evaluates rules
// as written: run Validate first to catch rules that can never match.
func (p Policy) Allow(action, bucket, key string) bool {
	resource := ARN(bucket, key)
	allowed := false
	for _, r := range p {
		if !r.matches(action, resource) {
			continue
		}
		switch r.Effect {
		case Deny:
			return false
		case Allow:
			allowed = true
		}
	}
	return allowed
}

// ARN is the resource a request on bucket/key is matched against:
// arn:aws:s3:::bucket/key for an object, arn:aws:s3:::bucket for a bucket,
// and arn:aws:s3:::* for the service (no bucket).
func ARN(bucket, key string) string {
	switch {
	case bucket == "":
		return arnPrefix + "*"
	case key == "":
		return arnPrefix + bucket
	default:
		return arnPrefix + bucket + "/" + key
	}
}

const (
	arnPrefix    = "arn:aws:s3:::"
	actionPrefix = "s3:"
)

func (r Rule) matches(action, resource string) bool {
	return matchAny(r.Actions, action, matchAction) && matchAny(r.Resources, resource, matchResource)
}

func matchAny(patterns []string, s string, match func(pattern, s string) bool) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

// matchAction compares action names as IAM does: without regard to case.
func matchAction(pattern, action string) bool {
	return wildcardMatch(strings.ToLower(pattern), strings.ToLower(action))
}

// matchResource compares ARNs as IAM does: case matters, since bucket
// names and keys are case-sensitive.
func matchResource(pattern, resource string) bool {
	return pattern == "*" || wildcardMatch(pattern, resource)
}

// Validate reports the first rule that is malformed or can never match:
// an effect other than "Allow" or "Deny", no actions or resources, an
// action without the "s3:" prefix, a resource that is neither "*" nor an
// arn:aws:s3::: ARN, or a policy variable (${...}), which strictS3 does not
// substitute. Errors name the rule and field, e.g. policy[1].actions[0].
func (p Policy) Validate() error {
	for i, r := range p {
		where := fmt.Sprintf("policy[%d]", i)
		if r.Effect != Allow && r.Effect != Deny {
			return fmt.Errorf("%s.effect: want %q or %q, got %q", where, Allow, Deny, r.Effect)
		}
		if len(r.Actions) == 0 {
			return fmt.Errorf("%s.actions: must list at least one action, e.g. \"s3:GetObject\"", where)
		}
		for j, a := range r.Actions {
			if err := validateAction(a); err != nil {
				return fmt.Errorf("%s.actions[%d]: %v", where, j, err)
			}
		}
		if len(r.Resources) == 0 {
			return fmt.Errorf("%s.resources: must list at least one resource, e.g. \"arn:aws:s3:::bucket/*\"", where)
		}
		for j, res := range r.Resources {
			if err := validateResource(res); err != nil {
				return fmt.Errorf("%s.resources[%d]: %v", where, j, err)
			}
		}
	}
	return nil
}

func validateAction(a string) error {
	if a == "*" {
		return nil
	}
	name, ok := cutPrefixFold(a, actionPrefix)
	if !ok || name == "" {
		return fmt.Errorf("want \"*\" or an S3 action such as \"s3:GetObject\", got %q", a)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*' || c == '?') {
			return fmt.Errorf("%q: an action name holds letters and the wildcards * and ? only", a)
		}
	}
	return nil
}

func validateResource(res string) error {
	if res == "*" {
		return nil
	}
	rest, ok := strings.CutPrefix(res, arnPrefix)
	if !ok || rest == "" {
		return fmt.Errorf("want \"*\" or an S3 ARN such as \"arn:aws:s3:::bucket\" or \"arn:aws:s3:::bucket/prefix/*\", got %q", res)
	}
	if strings.Contains(res, "${") {
		return fmt.Errorf("%q: policy variables (${...}) are not supported", res)
	}
	return nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
