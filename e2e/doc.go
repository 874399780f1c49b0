// Package e2e drives strictS3 with the clients people actually use:
// aws-sdk-go-v2 at its default configuration, boto3 and the aws CLI v1, the
// AWS SDK for JavaScript v3 in Node, and headless Chromium uploading through
// HTML forms and fetch across origins.
//
// The package holds only tests. Each test starts its own emulator (no shared
// state between tests), runs a real client against it, and asserts on what
// the client saw and on what the server stored. External clients run as
// subprocesses (scripts under js/ and py/) that print one JSON document; the
// Go side does the judging. A missing client skips the test with the install
// command, except under CI=true, where it fails.
package e2e
