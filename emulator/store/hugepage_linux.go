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
//
// Go's large allocations are page-aligned, not 2 MiB-aligned; that needs
// no rounding here: the advice marks exactly buf's pages, and the kernel
// backs every 2 MiB-aligned stretch inside them with a huge page, so only
// up to 2 MiB at either end stay small. Checked on the same VM, after a
// memory-store PUT of 256 MiB in four 64 MiB chunks: 254 MiB of it in
// AnonHugePages, the copy into it 40 ms (6.8 GB/s) once the process had
// used huge pages before; the very first PUT of a process took 0.5 s, the
// hypervisor backing guest memory touched for the first time.
func adviseHugePages(buf []byte) {
	if len(buf) < hugePageMin {
		return
	}
	_ = syscall.Madvise(buf, syscall.MADV_HUGEPAGE)
}
