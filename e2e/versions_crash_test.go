package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kill -9 in the middle of a PUT to a versioned key on the directory store
// leaves every earlier version readable and adds none: the sidecar rename
// that commits a version never happened, and start-up sweeps the spooled
// bytes.
func TestBinary_DataDir_KillMidWrite_KeepsEveryVersion(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	const bucket, key = "e2e-crash", "versioned.bin"

	first := serveBinary(t, bin, "--data-dir", dir)
	client := sdkFromExports(t, first.Exports)
	ctx := ctxT(t, 60*time.Second)
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	bodies := map[string]string{}
	for _, b := range []string{"first version", "second version"} {
		out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(b)})
		require.NoError(t, err)
		bodies[aws.ToString(out.VersionId)] = b
	}

	// A pre-signed PUT declaring 4 MiB, of which half is sent.
	pre, err := s3.NewPresignClient(client).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	u, err := url.Parse(pre.URL)
	require.NoError(t, err)
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n", u.RequestURI(), u.Host, 4<<20)
	_, err = w.Write(randomBytes(2<<20, 7))
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	waitForSpool(t, filepath.Join(dir, "tmp"))
	first.Kill()

	second := serveBinary(t, bin, "--data-dir", dir)
	client = sdkFromExports(t, second.Exports)
	ctx = ctxT(t, 60*time.Second)
	list, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	require.Len(t, list.Versions, 2, "the cut write added no version")
	for _, v := range list.Versions {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: v.VersionId})
		require.NoError(t, err)
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, bodies[aws.ToString(v.VersionId)], string(got))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "tmp"))
	require.NoError(t, err)
	assert.Empty(t, entries, "start-up swept the spooled bytes")
}

// waitForSpool blocks until the directory store has a temp file in tmp
// holding some of the body, so the kill lands mid-write; it gives up after
// 20s. It polls on a ticker: the write has no other outward sign.
func waitForSpool(t *testing.T, tmp string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		entries, _ := os.ReadDir(tmp)
		for _, e := range entries {
			if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "body-") && info.Size() > 0 {
				return
			}
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("no spooled body appeared in %s within 20s", tmp)
		}
	}
}
