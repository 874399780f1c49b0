package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
)

const resetUsage = `usage: stricts3 reset [bucket] [flags]

Deletes every bucket with its objects, uploads and configuration (or only
the named bucket), then creates the start-up buckets (serve --bucket) again,
so a test suite can start each test from the server's initial state. Needs
an owner key (one without a policy).

`

func runReset(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	c, rest, err := parseControl("reset", resetUsage, args, stderr, getenv)
	if err != nil {
		return err
	}
	q := url.Values{}
	switch len(rest) {
	case 0:
	case 1:
		q.Set("bucket", strings.TrimSuffix(strings.TrimPrefix(rest[0], "s3://"), "/"))
	default:
		return usageErrorf("reset takes at most one bucket, got %q", rest)
	}
	cc, err := newControlClient(*c)
	if err != nil {
		return err
	}
	var rep struct {
		DeletedBuckets   []string `json:"deletedBuckets"`
		RecreatedBuckets []string `json:"recreatedBuckets"`
	}
	if err := cc.post(ctx, "reset", q, &rep); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted buckets: %s\n", listOrNone(rep.DeletedBuckets))
	fmt.Fprintf(stdout, "re-created start-up buckets: %s\n", listOrNone(rep.RecreatedBuckets))
	return nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}
