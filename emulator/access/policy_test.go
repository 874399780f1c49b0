package access

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func allowRule(actions []string, resources ...string) Rule {
	return Rule{Effect: Allow, Actions: actions, Resources: resources}
}

func denyRule(actions []string, resources ...string) Rule {
	return Rule{Effect: Deny, Actions: actions, Resources: resources}
}

func TestPolicyAllow_IAMEvaluation(t *testing.T) {
	readPhotos := Policy{allowRule([]string{"s3:GetObject", "s3:ListBucket"}, "arn:aws:s3:::photos", "arn:aws:s3:::photos/*")}
	uploads := Policy{allowRule([]string{"s3:PutObject"}, "arn:aws:s3:::inbox/uploads/*")}
	tests := []struct {
		name                string
		policy              Policy
		action, bucket, key string
		want                bool
	}{
		{"no rules is an implicit deny", Policy{}, "s3:GetObject", "photos", "a.png", false},
		{"nil policy is an implicit deny", nil, "s3:GetObject", "photos", "a.png", false},
		{"exact action and object ARN", readPhotos, "s3:GetObject", "photos", "a.png", true},
		{"bucket action on the bucket ARN", readPhotos, "s3:ListBucket", "photos", "", true},
		{"action not listed", readPhotos, "s3:PutObject", "photos", "a.png", false},
		{"other bucket", readPhotos, "s3:GetObject", "photos2", "a.png", false},
		{"bucket ARN does not cover objects", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::photos")}, "s3:GetObject", "photos", "a.png", false},
		{"object ARN does not cover the bucket", Policy{allowRule([]string{"s3:ListBucket"}, "arn:aws:s3:::photos/*")}, "s3:ListBucket", "photos", "", false},
		{"bucket* covers bucket and objects (bucket)", Policy{allowRule([]string{"s3:*"}, "arn:aws:s3:::photos*")}, "s3:ListBucket", "photos", "", true},
		{"bucket* covers bucket and objects (object)", Policy{allowRule([]string{"s3:*"}, "arn:aws:s3:::photos*")}, "s3:GetObject", "photos", "x", true},
		{"bucket* also covers longer bucket names", Policy{allowRule([]string{"s3:*"}, "arn:aws:s3:::photos*")}, "s3:GetObject", "photos-archive", "x", true},
		{"prefix: inside", uploads, "s3:PutObject", "inbox", "uploads/a.txt", true},
		{"prefix: * crosses /", uploads, "s3:PutObject", "inbox", "uploads/2026/11/a.txt", true},
		{"prefix: outside", uploads, "s3:PutObject", "inbox", "private/a.txt", false},
		{"prefix: the prefix itself without slash", uploads, "s3:PutObject", "inbox", "uploads", false},
		{"? matches exactly one character", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/log-?.txt")}, "s3:GetObject", "b", "log-7.txt", true},
		{"? does not match two", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/log-?.txt")}, "s3:GetObject", "b", "log-17.txt", false},
		{"? does not match none", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/log-?.txt")}, "s3:GetObject", "b", "log-.txt", false},
		{"? matches one multi-byte character", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/?.txt")}, "s3:GetObject", "b", "é.txt", true},
		{"* in the middle of a key", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/*/thumb.png")}, "s3:GetObject", "b", "u/1/thumb.png", true},
		{"* in the middle needs the suffix", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/*/thumb.png")}, "s3:GetObject", "b", "u/1/full.png", false},
		{"resource * covers everything", Policy{allowRule([]string{"s3:DeleteObject"}, "*")}, "s3:DeleteObject", "any", "k", true},
		{"action * covers everything", Policy{allowRule([]string{"*"}, "arn:aws:s3:::b/*")}, "s3:AbortMultipartUpload", "b", "k", true},
		{"s3:Get* covers GetObject", Policy{allowRule([]string{"s3:Get*"}, "*")}, "s3:GetObject", "b", "k", true},
		{"s3:Get* covers GetBucketLocation", Policy{allowRule([]string{"s3:Get*"}, "*")}, "s3:GetBucketLocation", "b", "", true},
		{"s3:Get* does not cover PutObject", Policy{allowRule([]string{"s3:Get*"}, "*")}, "s3:PutObject", "b", "k", false},
		{"s3:List* does not cover ListAllMyBuckets without resource", Policy{allowRule([]string{"s3:List*"}, "arn:aws:s3:::b")}, "s3:ListAllMyBuckets", "", "", false},
		{"ListAllMyBuckets with resource *", Policy{allowRule([]string{"s3:ListAllMyBuckets"}, "*")}, "s3:ListAllMyBuckets", "", "", true},
		{"ListAllMyBuckets with arn:aws:s3:::*", Policy{allowRule([]string{"s3:ListAllMyBuckets"}, "arn:aws:s3:::*")}, "s3:ListAllMyBuckets", "", "", true},
		{"actions ignore case", Policy{allowRule([]string{"S3:getobject"}, "*")}, "s3:GetObject", "b", "k", true},
		{"action patterns ignore case", Policy{allowRule([]string{"s3:get*"}, "*")}, "s3:GetObject", "b", "k", true},
		{"resources are case-sensitive (key)", Policy{allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/Photos/*")}, "s3:GetObject", "b", "photos/a", false},
		{"resources are case-sensitive (prefix)", Policy{allowRule([]string{"s3:GetObject"}, "ARN:AWS:S3:::b/*")}, "s3:GetObject", "b", "a", false},
		{"explicit deny wins over allow", Policy{
			allowRule([]string{"s3:*"}, "arn:aws:s3:::b/*"),
			denyRule([]string{"s3:DeleteObject"}, "arn:aws:s3:::b/keep/*"),
		}, "s3:DeleteObject", "b", "keep/x", false},
		{"explicit deny wins whatever the order", Policy{
			denyRule([]string{"s3:DeleteObject"}, "arn:aws:s3:::b/keep/*"),
			allowRule([]string{"s3:*"}, "arn:aws:s3:::b/*"),
		}, "s3:DeleteObject", "b", "keep/x", false},
		{"deny elsewhere leaves the allow", Policy{
			allowRule([]string{"s3:*"}, "arn:aws:s3:::b/*"),
			denyRule([]string{"s3:DeleteObject"}, "arn:aws:s3:::b/keep/*"),
		}, "s3:DeleteObject", "b", "scratch/x", true},
		{"deny alone grants nothing", Policy{denyRule([]string{"s3:DeleteObject"}, "*")}, "s3:GetObject", "b", "k", false},
		{"any of several rules grants", Policy{
			allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::a/*"),
			allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::b/*"),
		}, "s3:GetObject", "b", "k", true},
		{"a rule needs both its action and its resource", Policy{
			allowRule([]string{"s3:GetObject"}, "arn:aws:s3:::a/*"),
			allowRule([]string{"s3:PutObject"}, "arn:aws:s3:::b/*"),
		}, "s3:GetObject", "b", "k", false},
		{"a rule with an unknown effect neither grants nor denies", Policy{
			{Effect: "allow", Actions: []string{"*"}, Resources: []string{"*"}},
		}, "s3:GetObject", "b", "k", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.policy.Allow(tt.action, tt.bucket, tt.key))
		})
	}
}

func TestARN_BucketObjectAndService(t *testing.T) {
	assert.Equal(t, "arn:aws:s3:::b/k/x", ARN("b", "k/x"))
	assert.Equal(t, "arn:aws:s3:::b", ARN("b", ""))
	assert.Equal(t, "arn:aws:s3:::*", ARN("", ""))
}

func TestPolicyValidate_NamesRuleAndField(t *testing.T) {
	ok := []string{"s3:GetObject"}
	tests := []struct {
		name   string
		policy Policy
		want   string
	}{
		{"effect in the wrong case", Policy{{Effect: "allow", Actions: ok, Resources: []string{"*"}}},
			`policy[0].effect: want "Allow" or "Deny", got "allow"`},
		{"missing effect", Policy{allowRule(ok, "*"), {Actions: ok, Resources: []string{"*"}}},
			`policy[1].effect: want "Allow" or "Deny", got ""`},
		{"no actions", Policy{allowRule(nil, "*")},
			`policy[0].actions: must list at least one action, e.g. "s3:GetObject"`},
		{"action without the s3: prefix", Policy{allowRule([]string{"s3:GetObject", "PutObject"}, "*")},
			`policy[0].actions[1]: want "*" or an S3 action such as "s3:GetObject", got "PutObject"`},
		{"another service's action", Policy{allowRule([]string{"iam:PassRole"}, "*")},
			`policy[0].actions[0]: want "*" or an S3 action such as "s3:GetObject", got "iam:PassRole"`},
		{"action with a space", Policy{allowRule([]string{"s3:Get Object"}, "*")},
			`policy[0].actions[0]: "s3:Get Object": an action name holds letters and the wildcards * and ? only`},
		{"no resources", Policy{allowRule(ok)},
			`policy[0].resources: must list at least one resource, e.g. "arn:aws:s3:::bucket/*"`},
		{"bare bucket name", Policy{allowRule(ok, "photos/*")},
			`policy[0].resources[0]: want "*" or an S3 ARN such as "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/prefix/*", got "photos/*"`},
		{"ARN with a region", Policy{allowRule(ok, "arn:aws:s3:us-east-1::photos")},
			`policy[0].resources[0]: want "*" or an S3 ARN such as "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/prefix/*", got "arn:aws:s3:us-east-1::photos"`},
		{"policy variable", Policy{allowRule(ok, "arn:aws:s3:::home/${aws:username}/*")},
			`policy[0].resources[0]: "arn:aws:s3:::home/${aws:username}/*": policy variables (${...}) are not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Validate()
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestPolicyValidate_AcceptsIAMForms(t *testing.T) {
	p := Policy{
		allowRule([]string{"*", "s3:*", "s3:Get*", "S3:getobject", "s3:?etObject"}, "*", "arn:aws:s3:::*", "arn:aws:s3:::b", "arn:aws:s3:::b/p/*", "arn:aws:s3:::b?/x"),
		denyRule([]string{"s3:DeleteObject"}, "arn:aws:s3:::b/keep/*"),
	}
	assert.NoError(t, p.Validate())
	assert.NoError(t, Policy(nil).Validate())
}
