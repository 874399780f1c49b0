package store

import "syscall"

// hugePageMin is the smallest buffer worth asking huge pages for: below a
// few 2 MiB pages the kernel would back little of it with them anyway.
const hugePageMin = 8 << 20

// adviseHugePages asks the kernel to back buf with transparent huge pages
// before it is first written. A body buffer is written once, front to back,
// right after it is allocated, and on a fresh (or returned, see
// memoryReturner) heap range every 4 KiB page of it faults in on its own:
// measured on a 2-vCPU VM, 256 MiB took 2.5-3.6 s to fault in that way and
// 0.1-0.5 s with huge pages, against 0.4 s to MD5 it. The kernel's
// default "madvise" mode gives huge pages only to ranges that ask.
// Failing is harmless (a kernel without THP, "never"): the pages are small.
func adviseHugePages(buf []byte) {
	if len(buf) < hugePageMin {
		return
	}
	// madvise wants a page-aligned start; Go's large allocations are, but
	// the whole range need not end on a page, which the kernel rounds.
	_ = syscall.Madvise(buf, syscall.MADV_HUGEPAGE)
}
