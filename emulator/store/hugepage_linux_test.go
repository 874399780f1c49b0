package store

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vmFlagsAt returns the VmFlags of the mapping holding addr, from
// /proc/self/smaps ("hg" is the huge-page advice).
func vmFlagsAt(t *testing.T, addr uintptr) []string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	require.NoError(t, err)
	defer f.Close()
	inside := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := mappingRange(line); ok {
			inside = lo <= addr && addr < hi
			continue
		}
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && inside {
			return strings.Fields(flags)
		}
	}
	require.NoError(t, sc.Err())
	t.Fatalf("no mapping holds %#x", addr)
	return nil
}

// mappingRange parses the "start-end perms ..." line that opens a mapping.
func mappingRange(line string) (lo, hi uintptr, ok bool) {
	span, _, found := strings.Cut(line, " ")
	from, to, dash := strings.Cut(span, "-")
	if !found || !dash {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(from, 16, 64)
	h, err2 := strconv.ParseUint(to, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}

// A large body buffer carries the huge-page advice over its 2 MiB-aligned
// interior, whatever its own alignment. (Without the advice, these pages
// showed no "hg". That a small buffer gets none is not checked: the heap
// may hand it pages of a freed large buffer, which keep their advice.)
func TestAdviseHugePages_MarksTheBuffersPages(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("kernel without transparent huge pages")
	}
	const huge = 2 << 20
	probe := make([]byte, hugePageMin)
	if err := syscall.Madvise(probe, syscall.MADV_HUGEPAGE); err != nil {
		t.Skipf("the kernel refuses the advice (%v); adviseHugePages ignores that", err)
	}
	// Withdrawn, so that pages the heap may reuse for big carry no advice
	// but adviseHugePages'.
	require.NoError(t, syscall.Madvise(probe, syscall.MADV_NOHUGEPAGE))
	big := make([]byte, 2*hugePageMin)
	adviseHugePages(big)
	start := uintptr(unsafe.Pointer(&big[0]))
	interior := (start + huge - 1) &^ (huge - 1)
	for _, addr := range []uintptr{interior, interior + hugePageMin, start + uintptr(len(big)) - huge - 1} {
		assert.Contains(t, vmFlagsAt(t, addr), "hg", "address %#x of the buffer at %#x", addr, start)
	}
}
