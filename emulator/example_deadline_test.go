package emulator_test

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/verifier"
)

// A client that stops sending its body is answered 400 RequestTimeout once
// ReadIdleTimeout passes without a byte, as S3 does after about 20 seconds;
// a body that keeps moving, however slowly, is never cut off.
func ExampleOptions_idleTimeouts() {
	srv, err := emulator.New(emulator.Options{
		Credentials:      verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}),
		ReadIdleTimeout:  100 * time.Millisecond,
		WriteIdleTimeout: 100 * time.Millisecond,
	})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	// An anonymous POST upload form that announces 1000 bytes and sends 60.
	conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /photos HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 1000\r\n\r\n",
		"--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), "<Code>RequestTimeout</Code>"), resp.Close)
	// Output:
	// 400 true true
}
