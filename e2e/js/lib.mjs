// Shared plumbing for the e2e scripts: every script reads the endpoint,
// credentials and bucket from the environment (set by the Go test that runs
// it) and prints exactly one JSON document on stdout for the Go test to
// assert on. Diagnostics go to stderr.
import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';

/** env returns a required environment variable or exits with a clear message. */
export function env(name) {
  const v = process.env[name];
  if (v === undefined || v === '') {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return v;
}

/** settings gathers what every script needs. */
export function settings() {
  return {
    endpoint: env('S3_ENDPOINT'),
    region: env('AWS_REGION'),
    accessKeyId: env('AWS_ACCESS_KEY_ID'),
    secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
    bucket: env('S3_BUCKET'),
  };
}

/**
 * client builds an S3Client the way an application would: default checksum
 * settings, path-style addressing because the endpoint is an IP address.
 * options are added to (or override) those settings.
 */
export function client(s, options = {}) {
  return new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    maxAttempts: 1,
    ...options,
  });
}

export function sha256Hex(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/** response summarises a fetch Response for the Go side. */
export async function summarise(res) {
  const body = Buffer.from(await res.arrayBuffer());
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  const ct = headers['content-type'] || '';
  // Object bytes are summarised by hash; only XML, text and error bodies are
  // passed on verbatim.
  const textual = res.status >= 300 || /xml|text|json/.test(ct);
  return {
    status: res.status,
    headers,
    bodyText: textual ? body.toString('utf8').slice(0, 8192) : '',
    bodySha256: sha256Hex(body),
    bodyLength: body.length,
  };
}

/** withTimeout bounds a promise so no script can hang the Go test. */
export function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

/** output prints the result document and exits 0. */
export function output(doc) {
  process.stdout.write(JSON.stringify(doc) + '\n');
}

/** fail prints an error document (still JSON) and exits 1. */
export function fail(err) {
  const doc = {
    error: String((err && err.stack) || err),
    errorName: (err && err.name) || '',
    httpStatus: (err && err.$metadata && err.$metadata.httpStatusCode) || 0,
  };
  process.stdout.write(JSON.stringify(doc) + '\n');
  process.exit(1);
}
