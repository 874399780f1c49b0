package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A directory store owns its whole root: NewDir takes an absent or empty
// folder and marks it with markerFile, or reopens a marked one. A folder
// holding anything else is not ours and is never modified, so pointing
// --data-dir at a home directory or "." costs nothing.
const (
	// markerFile says "this folder is a strictS3 store" and which layout
	// it has; it is written last when a store is created.
	markerFile = "stricts3-store.json"
	// lockFile is flock()ed while a process uses the store and holds that
	// process's pid, so a second process can name the holder.
	lockFile = "stricts3.lock"
	// dirFormat is the layout described in dir_files.go. Format 1 was the
	// same tree without markerFile or lockFile.
	dirFormat = 2
)

// The errors NewDir returns for a root it will not use. A caller can tell
// them apart with errors.Is; the message names the root and what to do.
var (
	ErrRootNotDirectory = errors.New("not a directory")
	ErrRootForeign      = errors.New("not empty and not a strictS3 data directory")
	ErrRootInUse        = errors.New("in use by another strictS3 process")
	ErrRootFormat       = errors.New("written by an unknown strictS3 version")
)

type storeMarker struct {
	Format int    `json:"format"`
	Note   string `json:"note"`
}

const markerNote = "This folder is a strictS3 data directory. strictS3 may rewrite or delete anything in it; keep other files elsewhere."

// rootKind is what NewDir found at its root.
type rootKind int

const (
	rootAbsent rootKind = iota
	rootEmpty
	rootStore
	// rootFormat1 is a store written before the marker existed; it is
	// adopted by writing the marker, once its contents were checked to be
	// exactly what that version wrote.
	rootFormat1
)

// ignoredInEmpty are entries an empty folder may have that are not ours:
// a file system's own (the root of a freshly made ext4 volume mounted as
// the data directory) and our lock file, which a concurrent NewDir may
// have just created.
var ignoredInEmpty = []string{"lost+found", lockFile}

// inspectRoot classifies root without changing anything.
func inspectRoot(root string) (rootKind, error) {
	st, err := os.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return rootAbsent, nil
	} else if err != nil {
		return 0, err
	}
	if !st.IsDir() {
		return 0, fmt.Errorf("store: %s: %w", root, ErrRootNotDirectory)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	var names []string
	for _, e := range entries {
		if e.Name() == markerFile {
			return rootStore, checkMarker(root)
		}
		if !slices.Contains(ignoredInEmpty, e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return rootEmpty, nil
	}
	if isFormat1(root, entries) {
		return rootFormat1, nil
	}
	if len(names) > 3 {
		names = append(names[:3], "...")
	}
	return 0, fmt.Errorf("store: %s holds %s: %w; strictS3 will not touch it: give an empty or new folder", root, strings.Join(names, ", "), ErrRootForeign)
}

func checkMarker(root string) error {
	var m storeMarker
	if err := readJSON(filepath.Join(root, markerFile), &m); err != nil {
		return fmt.Errorf("store: %s: unreadable %s: %w", root, markerFile, err)
	}
	if m.Format != dirFormat {
		return fmt.Errorf("store: %s has layout format %d, this strictS3 reads format %d: %w", root, m.Format, dirFormat, ErrRootFormat)
	}
	return nil
}

// format1TempPrefixes are the names the format-1 store gave its temp files.
var format1TempPrefixes = []string{"body-", "meta-", "bucket-", "upload-", "trash-"}

// isFormat1 recognises the tree a format-1 store leaves: "buckets" whose
// every entry is a bucket directory with its bucket.json, optionally "tmp"
// holding only that store's temp names, and the CA certificate serve --tls
// wrote beside them. Anything else means the folder is someone's own.
func isFormat1(root string, entries []fs.DirEntry) bool {
	sawBuckets := false
	for _, e := range entries {
		switch e.Name() {
		case "buckets":
			if !e.IsDir() || !allBucketDirs(filepath.Join(root, "buckets")) {
				return false
			}
			sawBuckets = true
		case "tmp":
			if !e.IsDir() || !allTempNames(filepath.Join(root, "tmp")) {
				return false
			}
		case "stricts3-ca.pem", "lost+found", lockFile:
		default:
			return false
		}
	}
	return sawBuckets
}

func allBucketDirs(dir string) bool {
	buckets, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, b := range buckets {
		st, err := os.Stat(filepath.Join(dir, b.Name(), bucketFile))
		if !b.IsDir() || err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

func allTempNames(dir string) bool {
	files, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, f := range files {
		if !isTempName(f.Name()) {
			return false
		}
	}
	return true
}

func isTempName(name string) bool {
	for _, p := range format1TempPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// writeMarker makes root a store of the current format.
func (d *Dir) writeMarker() error {
	data, err := json.MarshalIndent(storeMarker{Format: dirFormat, Note: markerNote}, "", "  ")
	if err != nil {
		return err
	}
	// tmp exists before the marker does, so writeFileAtomic can stage it.
	return d.writeFileAtomic(filepath.Join(d.root, markerFile), append(data, '\n'))
}

// sweepTemp empties tmp of what a previous run left there (a crash between
// writing and committing), removing only names this store gives its temp
// files.
func (d *Dir) sweepTemp() error {
	files, err := os.ReadDir(d.tmpDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, f := range files {
		if !isTempName(f.Name()) {
			d.log.Warn("store: leaving a file strictS3 did not create in its temp folder", "path", filepath.Join(d.tmpDir(), f.Name()))
			continue
		}
		if err := os.RemoveAll(filepath.Join(d.tmpDir(), f.Name())); err != nil {
			return err
		}
	}
	return nil
}
