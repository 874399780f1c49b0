// Package cors is bucket CORS as Amazon S3 answers it: the
// CORSConfiguration document that PutBucketCors accepts and GetBucketCors
// returns, and the evaluation of a browser's preflight (OPTIONS) and actual
// requests against its rules.
//
// The package has no HTTP server; the emulator looks the bucket's document
// up, calls Parse, and asks Preflight or ActualResponseHeaders what to send.
//
// Behaviour follows recordings made against S3 (LocalStack's AWS-validated
// CORS snapshots and full error bodies from public issues), not the user
// guide, where the two differ:
//
//   - The first rule whose origin, method and every requested header match
//     wins; the answer lists that rule's methods, not the method asked for.
//   - A preflight nothing matches is 403 AccessForbidden. An actual request
//     nothing matches is served normally, without any Access-Control-*
//     header: the browser, not S3, enforces CORS.
//   - On an actual request S3 still honours Access-Control-Request-Method
//     and Access-Control-Request-Headers when a client sends them, so they
//     take part in the match there too.
//   - Origins match case-sensitively, header names case-insensitively; each
//     pattern may hold one '*' that matches any run of characters, the empty
//     one included, and patterns are anchored at both ends.
package cors
