package access

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// policyDoc builds a one-statement policy for bucket b from a statement
// body (without braces).
func policyDoc(statement string) []byte {
	return []byte(`{"Version":"2012-10-17","Statement":[{` + statement + `}]}`)
}

func TestParseBucketPolicy_MalformedPolicyMessages(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty body", ``, "Policies must be valid JSON and the first byte must be '{'"},
		{"an array", `[{"Effect":"Allow"}]`, "Policies must be valid JSON and the first byte must be '{'"},
		{"leading space", ` {}`, "Policies must be valid JSON and the first byte must be '{'"},
		{"truncated JSON", `{"Statement":[`, "This policy contains invalid Json"},
		{"no Statement", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"empty Statement", `{"Version":"2012-10-17","Statement":[]}`, "Could not parse the policy: Statement is empty!"},
		{"bad Version", `{"Version":"2020-01-01","Statement":[]}`, "The policy must contain a valid version string"},
		{"missing Principal", string(policyDoc(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`)), "Missing required field Principal"},
		{"bad Principal string", string(policyDoc(`"Effect":"Allow","Principal":"everyone","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`)), "Invalid principal in policy"},
		{"bad AWS principal", string(policyDoc(`"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`)), "Invalid principal in policy"},
		{"unknown action", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b/*"`)), "Policy has invalid action"},
		{"other service's action", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::b/*"`)), "Policy has invalid action"},
		{"wildcard naming nothing", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:Fly*","Resource":"arn:aws:s3:::b/*"`)), "Policy has invalid action"},
		{"resource of another bucket", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"`)), "Policy has invalid resource"},
		{"resource not an S3 ARN", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"`)), "Policy has invalid resource"},
		{"object action on the bucket ARN", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"`)), "Action does not apply to any resource(s) in statement"},
		{"bucket action on objects only", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"`)), "Action does not apply to any resource(s) in statement"},
		{"unknown condition key", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:Weather":"sunny"}}`)), "Policy has an invalid condition key"},
		{"bad IP", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}}`)), "Invalid IP address in Conditions"},
		{"missing Effect", string(policyDoc(`"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`)), "Missing required field Effect"},
		{"effect in the wrong case", string(policyDoc(`"Effect":"allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`)), "Invalid effect: allow"},
		{"missing Action", string(policyDoc(`"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::b/*"`)), "Missing required field Action"},
		{"missing Resource", string(policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject"`)), "Missing required field Resource"},
		{"over 20 KB", `{"Id":"` + strings.Repeat("x", MaxBucketPolicySize) + `"}`, "Policies must be less than 20 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBucketPolicy([]byte(tt.doc), "b")
			var mp *MalformedPolicyError
			require.ErrorAs(t, err, &mp)
			assert.Equal(t, tt.want, mp.Message)
		})
	}
}

func TestParseBucketPolicy_AcceptsIAMForms(t *testing.T) {
	docs := []string{
		// Statement as one object, Version absent (2008-10-17 is implied).
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
		string(policyDoc(`"Sid":"PublicRead","Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::b/*"]`)),
		string(policyDoc(`"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root","arn:aws:iam::111122223333:user/AKIAX"]},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]`)),
		string(policyDoc(`"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::b/public/*"`)),
		string(policyDoc(`"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false},"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericLessThanIfExists":{"s3:max-keys":10}}`)),
		string(policyDoc(`"Effect":"Allow","Principal":{"CanonicalUser":"` + strings.Repeat("a", 64) + `"},"Action":"s3:Get*","Resource":"arn:aws:s3:::b*"`)),
	}
	for i, d := range docs {
		_, err := ParseBucketPolicy([]byte(d), "b")
		assert.NoError(t, err, "doc %d", i)
	}
}

func TestBucketPolicyEvaluate_IAMRules(t *testing.T) {
	alice := Principal{Account: "111122223333", ARN: UserARN("111122223333", "AKIAALICE"), CanonicalID: strings.Repeat("a", 64)}
	bob := Principal{Account: "444455556666", ARN: UserARN("444455556666", "AKIABOB")}
	anon := Principal{Anonymous: true}
	publicRead := `"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	tests := []struct {
		name       string
		statements []string
		who        Principal
		action     string
		key        string
		ctx        map[string][]string
		want       Effect
		statement  string
		account    bool
	}{
		{"public read lets anonymous read", []string{publicRead}, anon, "s3:GetObject", "k", nil, Allow, "PublicRead", false},
		{"public read does not let anonymous write", []string{publicRead}, anon, "s3:PutObject", "k", nil, "", "", false},
		{"AWS * includes anonymous", []string{`"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`}, anon, "s3:GetObject", "k", nil, Allow, "Statement[0]", false},
		{"an account principal is account-only", []string{`"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:PutObject", "k", nil, Allow, "Statement[0]", true},
		{"root ARN is the account", []string{`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:PutObject", "k", nil, Allow, "Statement[0]", true},
		{"an account principal does not match anonymous", []string{`"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"`}, anon, "s3:PutObject", "k", nil, "", "", false},
		{"a key ARN is direct", []string{`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/AKIABOB"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:PutObject", "k", nil, Allow, "Statement[0]", false},
		{"a key ARN does not match another key", []string{`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/AKIABOB"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"`}, alice, "s3:PutObject", "k", nil, "", "", false},
		{"canonical user is the account", []string{`"Effect":"Allow","Principal":{"CanonicalUser":"` + strings.Repeat("a", 64) + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`}, alice, "s3:GetObject", "k", nil, Allow, "Statement[0]", true},
		{"deny wins over allow", []string{publicRead, `"Sid":"NoSecret","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"`}, anon, "s3:GetObject", "secret/x", nil, Deny, "NoSecret", false},
		{"deny elsewhere leaves the allow", []string{publicRead, `"Sid":"NoSecret","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"`}, anon, "s3:GetObject", "public/x", nil, Allow, "PublicRead", false},
		{"a direct allow is preferred over an account one", []string{`"Sid":"Acct","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"`, `"Sid":"Key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/AKIABOB"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:GetObject", "k", nil, Allow, "Key", false},
		{"NotPrincipal deny spares the named account", []string{`"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"`}, alice, "s3:GetObject", "k", nil, "", "", false},
		{"NotPrincipal deny hits others", []string{`"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:GetObject", "k", nil, Deny, "Statement[0]", false},
		{"NotAction", []string{`"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:DeleteObject", "k", nil, Deny, "Statement[0]", false},
		{"NotAction spares the named action", []string{`"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`}, bob, "s3:GetObject", "k", nil, "", "", false},
		{"NotResource", []string{`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/private/*"`}, anon, "s3:GetObject", "pub/k", nil, Allow, "Statement[0]", false},
		{"NotResource spares its resource", []string{`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/private/*"`}, anon, "s3:GetObject", "private/k", nil, "", "", false},
		{"bucket-level action on the bucket ARN", []string{`"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"`}, anon, "s3:ListBucket", "", nil, Allow, "Statement[0]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[{` + strings.Join(tt.statements, "},{") + `}]}`
			p, err := ParseBucketPolicy([]byte(doc), "b")
			require.NoError(t, err)
			d := p.Evaluate(Request{Principal: tt.who, Action: tt.action, Bucket: "b", Key: tt.key, Context: tt.ctx})
			assert.Equal(t, tt.want, d.Effect)
			assert.Equal(t, tt.statement, d.Statement)
			assert.Equal(t, tt.account, d.AccountOnly)
		})
	}
}

func TestBucketPolicyEvaluate_Conditions(t *testing.T) {
	tests := []struct {
		name      string
		condition string
		ctx       map[string][]string
		want      bool
	}{
		{"SecureTransport true over TLS", `{"Bool":{"aws:SecureTransport":"true"}}`, map[string][]string{KeySecureTransport: {"true"}}, true},
		{"SecureTransport true over HTTP", `{"Bool":{"aws:SecureTransport":"true"}}`, map[string][]string{KeySecureTransport: {"false"}}, false},
		{"SecureTransport as a JSON bool", `{"Bool":{"aws:SecureTransport":false}}`, map[string][]string{KeySecureTransport: {"false"}}, true},
		{"SourceIp in the CIDR", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, map[string][]string{KeySourceIP: {"192.0.2.7"}}, true},
		{"SourceIp outside the CIDR", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, map[string][]string{KeySourceIP: {"198.51.100.1"}}, false},
		{"SourceIp one of several", `{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","127.0.0.1"]}}`, map[string][]string{KeySourceIP: {"127.0.0.1"}}, true},
		{"SourceIp IPv6", `{"IpAddress":{"aws:SourceIp":"::1/128"}}`, map[string][]string{KeySourceIP: {"::1"}}, true},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, map[string][]string{KeySourceIP: {"198.51.100.1"}}, true},
		{"s3:prefix StringLike", `{"StringLike":{"s3:prefix":["home/*"]}}`, map[string][]string{KeyPrefix: {"home/alice/"}}, true},
		{"s3:prefix absent fails StringLike", `{"StringLike":{"s3:prefix":["home/*"]}}`, nil, false},
		{"s3:prefix StringEquals empty", `{"StringEquals":{"s3:prefix":["","home/"]}}`, map[string][]string{KeyPrefix: {""}}, true},
		{"x-amz-acl required", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}`, map[string][]string{KeyACL: {"bucket-owner-full-control"}}, true},
		{"x-amz-acl other value", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}`, map[string][]string{KeyACL: {"private"}}, false},
		{"x-amz-acl absent", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}`, nil, false},
		{"StringNotEquals holds when absent", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}`, nil, true},
		{"StringNotEquals on a different value", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}`, map[string][]string{KeySSE: {"aws:kms"}}, true},
		{"StringNotEquals on the value", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}`, map[string][]string{KeySSE: {"AES256"}}, false},
		{"Null true when absent", `{"Null":{"s3:x-amz-server-side-encryption":"true"}}`, nil, true},
		{"Null true when present", `{"Null":{"s3:x-amz-server-side-encryption":"true"}}`, map[string][]string{KeySSE: {"AES256"}}, false},
		{"IfExists holds when absent", `{"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}`, nil, true},
		{"IfExists tests when present", `{"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}`, map[string][]string{KeyACL: {"public-read"}}, false},
		{"DateGreaterThan after", `{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, map[string][]string{KeyCurrentTime: {"2026-06-01T00:00:00Z"}}, true},
		{"DateGreaterThan before", `{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, map[string][]string{KeyCurrentTime: {"2025-06-01T00:00:00Z"}}, false},
		{"DateLessThan with epoch", `{"DateLessThan":{"aws:EpochTime":"1800000000"}}`, map[string][]string{KeyEpochTime: {"1700000000"}}, true},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, map[string][]string{KeyMaxKeys: {"10"}}, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"s3:x-amz-storage-class":"standard"}}`, map[string][]string{KeyStorageClass: {"STANDARD"}}, true},
		{"keys are case-insensitive", `{"StringEquals":{"S3:X-Amz-Acl":"private"}}`, map[string][]string{KeyACL: {"private"}}, true},
		{"all operators must hold", `{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, map[string][]string{KeySecureTransport: {"true"}, KeySourceIP: {"192.0.2.1"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := policyDoc(`"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":` + tt.condition)
			p, err := ParseBucketPolicy(doc, "b")
			require.NoError(t, err)
			d := p.Evaluate(Request{Principal: Principal{Anonymous: true}, Action: "s3:GetObject", Bucket: "b", Key: "k", Context: tt.ctx})
			assert.Equal(t, tt.want, d.Effect == Allow)
		})
	}
}

func TestBucketPolicyIsPublic(t *testing.T) {
	tests := []struct {
		statement string
		want      bool
	}{
		{`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`, true},
		{`"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`, true},
		{`"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`, false},
		{`"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`, false},
		{`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, false},
		{`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}`, true},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			p, err := ParseBucketPolicy(policyDoc(tt.statement), "b")
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.IsPublic())
		})
	}
}

func TestPolicyDenies_OnlyExplicitDeny(t *testing.T) {
	p := Policy{allowRule([]string{"s3:*"}, "*"), denyRule([]string{"s3:DeleteObject"}, "arn:aws:s3:::b/keep/*")}
	assert.True(t, p.Denies("s3:DeleteObject", "b", "keep/x"))
	assert.False(t, p.Denies("s3:DeleteObject", "b", "tmp/x"), "an Allow is not a Deny")
	assert.False(t, Policy{}.Denies("s3:GetObject", "b", "k"), "an implicit deny is not explicit")
}

func TestBucketPolicyExplain_NamesTheStatementsThatDidNotApply(t *testing.T) {
	p, err := ParseBucketPolicy([]byte(`{"Statement":[
		{"Sid":"Read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
		{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/in/*"}]}`), "b")
	require.NoError(t, err)
	anon := Request{Principal: Principal{Anonymous: true}, Action: "s3:PutObject", Bucket: "b", Key: "k"}
	assert.Equal(t, `statement "Read" names this principal but does not allow s3:PutObject on arn:aws:s3:::b/k (its action, resource or condition differs)`, p.Explain(anon))
	partner := Request{Principal: Principal{Account: "111122223333"}, Action: "s3:DeleteObject", Bucket: "b", Key: "k"}
	assert.Equal(t, `statements "Read", "Partner" name this principal but none allows s3:DeleteObject on arn:aws:s3:::b/k (their action, resource or condition differs)`, p.Explain(partner))
	stranger := Request{Principal: Principal{Account: "999999999999"}, Action: "s3:PutObject", Bucket: "b", Key: "k"}
	p2, err := ParseBucketPolicy([]byte(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`), "b")
	require.NoError(t, err)
	assert.Equal(t, "no statement of the bucket policy names this principal", p2.Explain(stranger))
}
