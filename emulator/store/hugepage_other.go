//go:build !linux

package store

// adviseHugePages is a no-op where the kernel has no madvise(MADV_HUGEPAGE).
func adviseHugePages([]byte) {}
