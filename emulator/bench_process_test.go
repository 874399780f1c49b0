package emulator

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stricts3/stricts3/internal/benchcpu"
	"github.com/stricts3/stricts3/verifier"
)

// The process benchmarks measure what the issue that set the performance
// targets measured: each server runs in a process of its own (this test
// binary, started again as a child), the same aws-sdk-go-v2 client sends
// it the same requests over loopback, and the server's CPU per request is
// read from the server process itself (getrusage: every thread, the
// garbage collector's included). Nothing is subtracted, so the ratio
// "server-cpu-x-gofakes3" is as steady as the servers are; net/http's
// share of each request is in both figures, as it is in production.

// benchChildEnv names the front a child process serves.
const benchChildEnv = "STRICTS3_BENCH_CHILD"

// TestBenchServeChild is the child's side: it serves the front named by
// benchChildEnv on a loopback port, prints "ADDR host:port", answers each
// "cpu" line on stdin with "CPU <nanoseconds used so far>", and returns
// when stdin closes. Without the variable it is skipped.
func TestBenchServeChild(t *testing.T) {
	front := os.Getenv(benchChildEnv)
	if front == "" {
		t.Skip("only runs as a benchmark's child process")
	}
	var h http.Handler
	switch front {
	case "stricts3":
		srv, err := New(Options{
			Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}),
			Logger:      slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		h = srv
	case "gofakes3":
		h = gofakes3.New(s3mem.New()).Server()
	default:
		t.Fatalf("unknown front %q", front)
	}
	if path := os.Getenv(benchChildEnv + "_CPUPROFILE"); path != "" {
		// Where a server process spends its CPU: set the variable to a
		// path when running a Processes benchmark.
		f, err := os.Create(path + "." + front)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	fmt.Printf("ADDR %s\n", ln.Addr())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "cpu" {
			fmt.Printf("CPU %d\n", benchcpu.Used().Nanoseconds())
		}
	}
}

// serverProcess is a child serving one front.
type serverProcess struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Scanner
	client *s3.Client
	http   *http.Client
	url    string
	cpu    time.Duration // used during the measured blocks
	ops    int
}

func startServerProcess(b *testing.B, name string) *serverProcess {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServeChild$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchChildEnv+"="+name)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	p := &serverProcess{name: name, cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	addr := p.expect(b, "ADDR ")
	p.url = "http://" + addr
	p.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: processClients}}
	// The SDK's defaults, as TestServer.AWSConfig sets them: a CRC32 on
	// every PUT, checksum mode on every GET.
	p.client = s3.NewFromConfig(aws.Config{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String(p.url),
		HTTPClient:                 p.http,
		Credentials:                credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := p.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(benchBucket)}); err != nil {
		b.Fatalf("%s: CreateBucket: %v", name, err)
	}
	return p
}

// expect reads the child's stdout up to a line starting with prefix and
// returns the rest of that line (go test's own lines are skipped).
func (p *serverProcess) expect(b *testing.B, prefix string) string {
	for p.out.Scan() {
		if rest, ok := strings.CutPrefix(p.out.Text(), prefix); ok {
			return rest
		}
	}
	b.Fatalf("%s: child ended before %q: %v", p.name, prefix, p.out.Err())
	return ""
}

// used is the child's CPU time so far.
func (p *serverProcess) used(b *testing.B) time.Duration {
	if _, err := io.WriteString(p.stdin, "cpu\n"); err != nil {
		b.Fatal(err)
	}
	ns, err := strconv.ParseInt(p.expect(b, "CPU "), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(ns)
}

// processClients is how many clients send requests at once, as in the
// measurement the targets come from (c16): one client at a time would
// measure mostly the runtime waking from idle between requests, the same
// for any server.
const processClients = 16

// runProcesses runs op processClients×benchBlock times on each server per
// iteration, from processClients goroutines, and reports each server's
// CPU per operation and their ratio. Each server's CPU is read before and
// after the whole run: between its own blocks it idles.
func runProcesses(b *testing.B, procs []*serverProcess, op func(p *serverProcess) error) {
	block := func(p *serverProcess) {
		errs := make(chan error, processClients)
		for range processClients {
			go func() {
				var err error
				for range benchBlock {
					if err = op(p); err != nil {
						break
					}
				}
				errs <- err
			}()
		}
		for range processClients {
			if err := <-errs; err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
		}
		p.ops += processClients * benchBlock
	}
	for _, p := range procs { // warm connections and caches
		block(p)
		p.ops = 0
	}
	start := make([]time.Duration, len(procs))
	for i, p := range procs {
		start[i] = p.used(b)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, p := range procs {
			block(p)
		}
	}
	b.StopTimer()
	perOp := map[string]float64{}
	for i, p := range procs {
		p.cpu = p.used(b) - start[i]
		perOp[p.name] = float64(p.cpu.Nanoseconds()) / float64(p.ops)
		b.ReportMetric(perOp[p.name], p.name+"-server-cpu-ns/op")
	}
	if g := perOp["gofakes3"]; g > 0 {
		b.ReportMetric(perOp["stricts3"]/g, "server-cpu-x-gofakes3")
	}
}

func benchProcesses(b *testing.B) []*serverProcess {
	if testing.Short() {
		b.Skip("starts two server processes")
	}
	return []*serverProcess{startServerProcess(b, "stricts3"), startServerProcess(b, "gofakes3")}
}

// BenchmarkProcesses_PutGet4KiB: aws-sdk-go-v2 PutObject then GetObject of
// 4 KiB, with its defaults; an op is the pair.
func BenchmarkProcesses_PutGet4KiB(b *testing.B) {
	procs := benchProcesses(b)
	data := bytes.Repeat([]byte("strictS3"), 4096/8)
	ctx := context.Background()
	runProcesses(b, procs, func(p *serverProcess) error { return sdkPutGet(ctx, p.client, data) })
}

// BenchmarkProcesses_PresignedGet4KiB: a GET of 4 KiB through a URL the
// SDK's presign client made.
func BenchmarkProcesses_PresignedGet4KiB(b *testing.B) {
	procs := benchProcesses(b)
	data := bytes.Repeat([]byte("strictS3"), 4096/8)
	ctx := context.Background()
	urls := map[*serverProcess]string{}
	for _, p := range procs {
		if _, err := p.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data)}); err != nil {
			b.Fatalf("%s: %v", p.name, err)
		}
		req, err := s3.NewPresignClient(p.client).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
		if err != nil {
			b.Fatal(err)
		}
		urls[p] = req.URL
	}
	runProcesses(b, procs, func(p *serverProcess) error { return fetch(p.http, urls[p]) })
}
