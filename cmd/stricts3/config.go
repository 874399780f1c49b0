package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Defaults shared by every subcommand. The keys are AWS's documentation
// example keys: obviously fake, and what tutorials paste.
const (
	defaultAddr      = "127.0.0.1:9000"
	defaultRegion    = "us-east-1"
	defaultAccessKey = "AKIAIOSFODNN7EXAMPLE"
	defaultSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	defaultDomain    = "localhost"
	defaultEndpoint  = "http://" + defaultAddr
)

// Getenv reads one environment variable; run takes it as a parameter so
// tests decide the environment instead of inheriting the machine's
// (these machines set AWS_CA_BUNDLE, for one).
type Getenv func(key string) string

// envFlags binds flag names to the environment variables that supply a
// value when the flag is absent from the command line. When several
// variables are listed, the first non-empty one wins.
type envFlags map[string][]string

// withEnv returns a new binding set holding base's and more's bindings.
func withEnv(base, more envFlags) envFlags {
	out := make(envFlags, len(base)+len(more))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// exitError carries the process exit status a failure maps to.
type exitError struct {
	code int
	err  error
	// quiet means the message was already printed (or there is none).
	quiet bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// Exit statuses: 0 success (and a valid request for verify/explain),
// 1 a rejected request or a runtime failure, 2 a usage mistake.
const (
	exitRejected = 1
	exitUsage    = 2
)

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// exitCode maps run's error to the process status.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

// newFlagSet returns a FlagSet that reports instead of exiting, writing its
// usage text to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args with fs, allowing flags before, between and after
// positional arguments (`presign get s3://b/k --expires 1h`), then fills each
// flag that was not given from its environment variables. Precedence:
// command-line flag, then environment, then the flag's default.
//
// `--help` yields a quiet exitError with status 0 so callers just return it.
func parseFlags(fs *flag.FlagSet, args []string, getenv Getenv, env envFlags) ([]string, error) {
	var positional []string
	for {
		if err := parseQuietly(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		// fs.Parse stops at the first non-flag; "--" ends flags for good.
		if args[0] == "--" {
			positional = append(positional, args[1:]...)
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	if err := applyEnv(fs, getenv, env); err != nil {
		return nil, err
	}
	return positional, nil
}

// parseQuietly is fs.Parse, except that a mistake prints the flag package's
// one-line error and a pointer to -h, not the whole help: the help would
// push the error off the screen. -h itself prints the help.
func parseQuietly(fs *flag.FlagSet, args []string) error {
	full := fs.Usage
	if full == nil {
		full = fs.PrintDefaults
	}
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = full
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		full()
		return &exitError{code: 0, quiet: true}
	default:
		fmt.Fprintf(fs.Output(), "Run '%s -h' for the flags.\n", fs.Name())
		return &exitError{code: exitUsage, err: err, quiet: true}
	}
}

// applyEnv sets every bound flag that was not given on the command line
// from the first non-empty environment variable bound to it.
func applyEnv(fs *flag.FlagSet, getenv Getenv, env envFlags) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, vars := range env {
		if given[name] {
			continue
		}
		if fs.Lookup(name) == nil {
			return fmt.Errorf("internal: environment bound to unknown flag --%s", name)
		}
		for _, v := range vars {
			val := getenv(v)
			if val == "" {
				continue
			}
			if err := fs.Set(name, val); err != nil {
				return usageErrorf("invalid value %q for %s (sets --%s): %v", val, v, name, err)
			}
			break
		}
	}
	return nil
}

// envHelp appends the environment variables to each bound flag's usage text,
// so `-h` documents them where users look.
func envHelp(fs *flag.FlagSet, env envFlags) {
	for name, vars := range env {
		if f := fs.Lookup(name); f != nil {
			f.Usage += " [env " + strings.Join(vars, ", ") + "]"
		}
	}
}

// headerFlag collects repeated -H 'Name: value' options.
type headerFlag []string

func (h *headerFlag) String() string { return strings.Join(*h, ", ") }

func (h *headerFlag) Set(v string) error {
	name, _, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want 'Name: value', got %q", v)
	}
	*h = append(*h, v)
	return nil
}
