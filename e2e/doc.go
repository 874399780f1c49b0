// Package e2e drives strictS3 with the clients people actually use:
// aws-sdk-go-v2 at its default configuration, boto3 and the aws CLI v1, the
// AWS SDK for JavaScript v3 in Node, headless Chromium uploading through
// HTML forms and fetch across origins, and the stricts3 binary itself.
//
// The package holds only tests. Each test starts its own emulator (no shared
// state between tests), runs a real client against it, and asserts on what
// the client saw and on what the server stored (read straight from the
// store). External clients run as subprocesses (scripts under js/ and py/)
// that print one JSON document; the Go side does the judging.
//
// Prerequisites, installed by .ci/run:
//
//	apt-get install -y --no-install-recommends chromium   # browser tests
//	npm ci --prefix e2e/js                                # JS SDK v3, playwright-core
//	python3 with boto3, and the aws CLI v1                # boto3 and CLI tests
//
// A missing client skips its test with the install command, except under
// CI=true, where it fails. When a browser test fails, its screenshots stay
// under e2e/artifacts/<test name>/ and their paths are logged.
//
// TestExplain_ChromiumHAR_PutWithAnotherContentTypeAndValidGet, run with
// STRICTS3_UPDATE_HAR_FIXTURE=1, also writes the HAR it captured to
// cmd/stricts3/testdata/browser-put-content-type.har.
package e2e
