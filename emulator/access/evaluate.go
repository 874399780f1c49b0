package access

import (
	"strconv"
	"strings"
)

// Principal is who made a request, as a bucket policy sees it.
type Principal struct {
	// Anonymous is a request without any signature.
	Anonymous bool
	// Account is the 12-digit id of the signer's account.
	Account string
	// CanonicalID is the account's canonical user id.
	CanonicalID string
	// ARN is the signer's principal ARN, arn:aws:iam::<account>:user/<name>.
	ARN string
}

// Request is what a bucket policy is evaluated against.
type Request struct {
	Principal   Principal
	Action      string // an IAM action name, e.g. "s3:GetObject"
	Bucket, Key string
	// Context holds the request's condition values by lower-cased key
	// (KeySourceIP, KeyPrefix, ...); a key absent here is absent from the
	// request.
	Context map[string][]string
}

// Decision is a bucket policy's verdict on one request.
type Decision struct {
	// Effect is Deny when a statement denies, Allow when one allows and
	// none denies, "" when no statement applies.
	Effect Effect
	// Statement labels the deciding statement (its Sid or Statement[i]).
	Statement string
	// AccountOnly is an Allow that names the caller's account rather than
	// the caller: it delegates to the account's own identity policies,
	// which must allow too (IAM's rule for an account principal).
	AccountOnly bool
}

// Evaluate decides req with IAM's rules: any matching Deny wins; else a
// matching Allow for the caller, else one for the caller's account; else
// no decision.
func (p *BucketPolicy) Evaluate(req Request) Decision {
	resource := ARN(req.Bucket, req.Key)
	var allow *Decision
	for _, st := range p.Statements {
		who := st.principalMatch(req.Principal)
		if who == noMatch || !st.actionMatches(req.Action) || !st.resourceMatches(resource) || !st.conditionsHold(req.Context) {
			continue
		}
		if st.Effect == Deny {
			return Decision{Effect: Deny, Statement: st.Label}
		}
		d := Decision{Effect: Allow, Statement: st.Label, AccountOnly: who == accountMatch}
		if allow == nil || allow.AccountOnly && !d.AccountOnly {
			allow = &d
		}
	}
	if allow != nil {
		return *allow
	}
	return Decision{}
}

type principalMatch int

const (
	noMatch principalMatch = iota
	accountMatch
	directMatch
)

func (st Statement) principalMatch(p Principal) principalMatch {
	m := st.Principals.match(p)
	if !st.NotPrincipal {
		return m
	}
	if m == noMatch {
		return directMatch
	}
	return noMatch
}

func (ps principals) match(p Principal) principalMatch {
	if ps.anyone {
		return directMatch
	}
	if p.Anonymous {
		return noMatch
	}
	for _, a := range ps.arns {
		if a == p.ARN {
			return directMatch
		}
	}
	for _, a := range ps.accounts {
		if a == p.Account {
			return accountMatch
		}
	}
	for _, id := range ps.canonicalIDs {
		if id == p.CanonicalID {
			return accountMatch
		}
	}
	return noMatch
}

func (st Statement) actionMatches(action string) bool {
	return matchAny(st.Actions, action, matchAction) != st.NotAction
}

func (st Statement) resourceMatches(resource string) bool {
	return matchAny(st.Resources, resource, matchResource) != st.NotResource
}

func (st Statement) conditionsHold(ctx map[string][]string) bool {
	for _, c := range st.Conditions {
		if !c.holds(ctx) {
			return false
		}
	}
	return true
}

// Denies reports whether an explicit Deny rule of p matches, so that a
// caller combining p with a bucket policy can let the Deny win over the
// bucket policy's Allow, as IAM does.
func (p Policy) Denies(action, bucket, key string) bool {
	resource := ARN(bucket, key)
	for _, r := range p {
		if r.Effect == Deny && r.matches(action, resource) {
			return true
		}
	}
	return false
}

// UserARN is the principal ARN strictS3 gives an access key of account:
// arn:aws:iam::<account>:user/<access key id>. A bucket policy names one
// key with it.
func UserARN(account, accessKeyID string) string {
	return "arn:aws:iam::" + account + ":user/" + accessKeyID
}

// statementsNaming is used in diagnoses: the labels of the statements
// whose principal names p at all.
func (p *BucketPolicy) statementsNaming(pr Principal) []string {
	var out []string
	for _, st := range p.Statements {
		if st.principalMatch(pr) != noMatch {
			out = append(out, st.Label)
		}
	}
	return out
}

// Explain says in one line why no statement of p decided req, for an
// AccessDenied diagnosis.
func (p *BucketPolicy) Explain(req Request) string {
	named := p.statementsNaming(req.Principal)
	what := req.Action + " on " + ARN(req.Bucket, req.Key)
	switch len(named) {
	case 0:
		return "no statement of the bucket policy names this principal"
	case 1:
		return "statement " + strconv.Quote(named[0]) + " names this principal but does not allow " + what + " (its action, resource or condition differs)"
	}
	for i, n := range named {
		named[i] = strconv.Quote(n)
	}
	return "statements " + strings.Join(named, ", ") + " name this principal but none allows " + what + " (their action, resource or condition differs)"
}
