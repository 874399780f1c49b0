// Package s3test holds helpers for strictS3's own tests: a manual clock, a
// multipart/form-data builder for POST uploads, an S3-style SigV4 signer,
// the strict S3 error-envelope assertion, bucket and object preambles, and a
// goroutine-safe buffer.
//
// It exists so that the verifier, presign, emulator, cmd and e2e tests share
// one copy of their scaffolding instead of each keeping its own. It may
// import testify and aws-sdk-go-v2, and it must never import strictS3's own
// packages (the emulator's in-package tests import it, so that would be a
// cycle). Only _test.go files may import it; non-test code never does.
package s3test
