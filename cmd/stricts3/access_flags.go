package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/stricts3/stricts3/emulator"
)

// accessFlags are serve's flags about who may do what beyond the keys'
// own policies: the account-level Block Public Access and the Object
// Ownership of new buckets.
type accessFlags struct {
	// publicAccessFlag is --account-public-access-block as given;
	// accountPublicAccess is what it resolves to.
	publicAccessFlag    string
	accountPublicAccess emulator.PublicAccessBlock
	// objectOwnership is --object-ownership.
	objectOwnership string
}

var accessEnv = envFlags{
	"account-public-access-block": {"STRICTS3_ACCOUNT_PUBLIC_ACCESS_BLOCK"},
	"object-ownership":            {"STRICTS3_OBJECT_OWNERSHIP"},
}

func (a *accessFlags) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&a.publicAccessFlag, "account-public-access-block", "none",
		"account-level Block Public Access for every bucket: none, all, or a comma-separated list of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets")
	fs.StringVar(&a.objectOwnership, "object-ownership", "BucketOwnerEnforced",
		"Object Ownership of buckets created without x-amz-object-ownership: BucketOwnerEnforced (ACLs disabled, S3's default since 2023), BucketOwnerPreferred, or ObjectWriter (a pre-2023 bucket)")
}

// resolve checks the flags and turns them into what emulator.Options takes.
func (a *accessFlags) resolve() error {
	p, err := parsePublicAccessBlock(a.publicAccessFlag)
	if err != nil {
		return usageErrorf("--account-public-access-block: %v", err)
	}
	a.accountPublicAccess = p
	switch a.objectOwnership {
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
		return nil
	}
	return usageErrorf("--object-ownership must be BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter, got %q", a.objectOwnership)
}

// publicAccessSwitches are the four Block Public Access settings by the
// names S3 gives them.
var publicAccessSwitches = []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}

// parsePublicAccessBlock reads --account-public-access-block: "none",
// "all", or a comma-separated list of switch names (any letter case).
func parsePublicAccessBlock(v string) (emulator.PublicAccessBlock, error) {
	var p emulator.PublicAccessBlock
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "none":
		return p, nil
	case "all":
		return emulator.BlockAllPublicAccess, nil
	}
	set := map[string]*bool{
		"blockpublicacls": &p.BlockPublicAcls, "ignorepublicacls": &p.IgnorePublicAcls,
		"blockpublicpolicy": &p.BlockPublicPolicy, "restrictpublicbuckets": &p.RestrictPublicBuckets,
	}
	for _, name := range strings.Split(v, ",") {
		sw, ok := set[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return p, fmt.Errorf("want none, all, or a comma-separated list of %s; got %q", strings.Join(publicAccessSwitches, ", "), name)
		}
		*sw = true
	}
	return p, nil
}
