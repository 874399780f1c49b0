package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The directory store's layout under its root (format 2, see dir_root.go):
//
//	stricts3-store.json                    marker: layout format; the root is ours
//	stricts3.lock                          flock()ed by the process using the store; its pid
//	tmp/                                   temp files (body-*, meta-*, bucket-*, upload-*, trash-*); swept by NewDir
//	buckets/<name>/bucket.json             BucketInfo
//	buckets/<name>/configs/<name>          bucket sub-resource documents
//	buckets/<name>/objects/<h2>/<h>.json   object sidecar: real key, ETag, metadata, data file name
//	buckets/<name>/objects/<h2>/<h>.<r>.data   object bytes
//	buckets/<name>/uploads/<id>/upload.json    UploadInfo
//	buckets/<name>/uploads/<id>/<n>.json       part sidecar
//	buckets/<name>/uploads/<id>/<n>.<r>.part   part bytes
//
// <h> is the hex SHA-256 of the key, so no key, whatever it holds ("../",
// "//", NUL, 4 KiB of text), becomes a path; the sidecar keeps the key.
// Bucket and configuration names go through escapeName. <r> is random:
// every write gets a new data file, and the sidecar rename is the single
// commit point, so bytes and metadata change together. Upload ids are ours
// (hex) and only looked up in the index, never taken from a request as a path.

const (
	bucketFile = "bucket.json"
	uploadFile = "upload.json"
)

// escapeName maps a bucket or configuration name to one path element that
// cannot be "", "." or "..", and that differs from every other name's even
// on case-insensitive file systems: bytes other than [a-z0-9_-] and a
// non-leading '.' become %XX; the empty name becomes "%".
func escapeName(name string) string {
	if name == "" {
		return "%"
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// keyHash names an object's files.
func keyHash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

func randomSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// spoolFile is a temp file being written: an *os.File, or on Linux a
// rawFile that spares the calls an *os.File makes.
type spoolFile interface {
	Name() string
	Write(p []byte) (int, error)
	Sync() error
	Close() error
}

// writeFileAtomic writes data to a temp file in the store's tmp directory
// and renames it over path, so readers see the old file or the new one.
func (d *Dir) writeFileAtomic(path string, data []byte) error {
	f, err := createSpoolFile(d.tmpDir(), "meta-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && d.fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func (d *Dir) writeJSONAtomic(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return d.writeFileAtomic(path, data)
}

// rename moves a finished file into place, creating its directory when
// the rename finds it missing (the rare case: checking first cost every
// PUT two stats), and with fsync on makes the rename itself durable.
func (d *Dir) rename(from, to string) error {
	dir := filepath.Dir(to)
	err := renameFile(from, to)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		err = renameFile(from, to)
	}
	if err != nil {
		return err
	}
	if d.fsync {
		return syncDir(dir)
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("store: %s: %w", path, err)
	}
	return nil
}

// trash moves a directory out of the tree atomically; the caller removes
// the returned path at leisure (RemoveAll of "" is a no-op).
func (d *Dir) trash(dir string) (string, error) {
	to := filepath.Join(d.tmpDir(), "trash-"+randomSuffix())
	if err := os.Rename(dir, to); err != nil {
		return "", err
	}
	return to, nil
}
