package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/stricts3/stricts3/emulator"
)

// serveInspection is how serve records requests and what it does with
// those S3 would refuse: --inspector, --inspector-size and --enforce.
type serveInspection struct {
	inspector     string
	inspectorSize int
	enforce       string
}

var inspectionEnv = envFlags{
	"inspector":      {"STRICTS3_INSPECTOR"},
	"inspector-size": {"STRICTS3_INSPECTOR_SIZE"},
	"enforce":        {"STRICTS3_ENFORCE"},
}

func (i *serveInspection) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&i.inspector, "inspector", string(emulator.InspectorLoopback),
		"who may open the request inspector at /_stricts3/: loopback (peers on 127.0.0.1/::1 only), open (anyone who reaches the port, e.g. behind Docker port mapping) or off (nothing recorded)")
	fs.IntVar(&i.inspectorSize, "inspector-size", emulator.DefaultInspectorSize,
		"how many recent requests the inspector keeps (and warned requests /_stricts3/report lists)")
	fs.StringVar(&i.enforce, "enforce", string(emulator.EnforceStrict),
		"strict: answer S3's errors; warn: serve requests S3 would refuse as a lax emulator would, and report them (X-Stricts3-Warning header, WARN log line, /_stricts3/report, summary on shutdown)")
}

func (i *serveInspection) validate() error {
	if _, err := emulator.ParseInspectorAccess(i.inspector); err != nil {
		return usageErrorf("--inspector: %v", err)
	}
	if _, err := emulator.ParseEnforce(i.enforce); err != nil {
		return usageErrorf("--enforce: %v", err)
	}
	if i.inspectorSize < 1 {
		return usageErrorf("--inspector-size must be at least 1, got %d", i.inspectorSize)
	}
	return nil
}

// apply sets the emulator options the flags stand for.
func (i *serveInspection) apply(o *emulator.Options) {
	o.Inspector = emulator.InspectorAccess(i.inspector)
	o.InspectorSize = i.inspectorSize
	o.Enforce = emulator.Enforce(i.enforce)
}

// printWarnSummary tells, on shutdown in warn mode, what strict mode would
// have refused: per S3 error code and per cause, most frequent first.
func printWarnSummary(w io.Writer, r emulator.Report) {
	if r.Enforce != emulator.EnforceWarn {
		return
	}
	if r.Warned == 0 {
		fmt.Fprintln(w, "warn-only mode: every request would have passed strict mode")
		return
	}
	fmt.Fprintf(w, "warn-only mode: %d request(s) were served that strict mode (and S3) would refuse\n", r.Warned)
	for _, group := range []struct {
		title  string
		counts map[string]int
	}{{"by S3 error code", r.ByCode}, {"by cause", r.ByCause}} {
		if len(group.counts) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s:\n", group.title)
		names := slices.SortedFunc(maps.Keys(group.counts), func(a, b string) int {
			if d := group.counts[b] - group.counts[a]; d != 0 {
				return d
			}
			return cmp.Compare(a, b)
		})
		for _, n := range names {
			fmt.Fprintf(w, "    %6d  %s\n", group.counts[n], n)
		}
	}
	if n := len(r.Requests); n > 0 {
		last := r.Requests[0]
		fmt.Fprintf(w, "  latest: %s %s %s -> %s (stricts3 explain --server URL --request-id %s)\n", last.ID, last.Method, last.Path, last.Code, last.ID)
	}
}
