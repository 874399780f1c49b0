package main

import (
	"fmt"
	"strings"

	"github.com/stricts3/stricts3/emulator"
)

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
