// Command stricts3 runs the strictS3 emulator and the tools around it.
//
//	stricts3 serve                 run the S3 emulator
//	stricts3 presign get|put|delete|post s3://bucket/key
//	                               print a pre-signed URL or POST form
//	stricts3 verify <url>          say whether S3 would accept a request, and
//	                               name the causes when it would not
//	stricts3 explain <url>         the same, with the canonical request,
//	                               string to sign and both signatures
//	stricts3 health                exit 0 when a server answers its health check
//	stricts3 clock get|set|advance|reset
//	                               read or move a running server's clock
//	stricts3 reset [bucket]        delete a running server's buckets
//
// verify and explain also read a curl command (-- curl …), a raw HTTP
// request (--raw) or a HAR export (--har), and print JSON with --json.
//
// Every flag also reads an environment variable (listed by `stricts3 <cmd> -h`);
// a flag on the command line wins over the environment, which wins over the
// default.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: stricts3 <command> [flags] [arguments]

commands:
  serve      run the S3 emulator
  presign    print a pre-signed URL (get, put, delete) or POST form (post)
  verify     check a request (URL, -- curl …, --raw, --har) the way S3 would: exit 0 when
             valid, 1 when refused, with the named causes
  explain    verify, and print the canonical request, string to sign, signatures and
             the diff against what the signer signed
  health     check that a server is up: exit 0 when healthy, 1 otherwise
  clock      read or move a running server's clock: get, set RFC3339, advance 16m, reset
  reset      delete every bucket and object of a running server (or one bucket)

Run 'stricts3 <command> -h' for the command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	reportError(os.Stderr, err)
	os.Exit(exitCode(err))
}

// reportError prints err unless it has been reported already.
func reportError(w io.Writer, err error) {
	var e *exitError
	if err == nil || (errors.As(err, &e) && e.quiet) {
		return
	}
	fmt.Fprintln(w, "stricts3:", err)
}

// run is the whole program; main only binds it to the process. Tests call
// it with their own context (cancel = SIGINT), writers and environment.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: exitUsage, quiet: true}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr, getenv)
	case "presign":
		return runPresign(ctx, rest, stdout, stderr, getenv)
	case "verify":
		return runVerify(ctx, rest, stdout, stderr, getenv, false)
	case "explain":
		return runVerify(ctx, rest, stdout, stderr, getenv, true)
	case "health":
		return runHealth(ctx, rest, stdout, stderr, getenv)
	case "clock":
		return runClock(ctx, rest, stdout, stderr, getenv)
	case "reset":
		return runReset(ctx, rest, stdout, stderr, getenv)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageErrorf("unknown command %q", cmd)
	}
}
