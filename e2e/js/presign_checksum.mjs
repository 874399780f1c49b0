// Pre-signed PUT URLs from getSignedUrl as an application gets them, for
// the Go test (explain_jssdk_test.go) to edit the way users do and explain:
//   defaultPut       the SDK's default settings (requestChecksumCalculation
//                    WHEN_SUPPORTED), which sign the empty body's CRC32
//                    into the URL as x-amz-checksum-crc32
//   whenRequiredPut  requestChecksumCalculation: 'WHEN_REQUIRED', which
//                    leaves checksums out of the URL
// S3_KEY names the object. It prints one JSON document.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { env, settings, client, withTimeout, output, fail } from './lib.mjs';

async function main() {
  const s = settings();
  const command = () => new PutObjectCommand({ Bucket: s.bucket, Key: env('S3_KEY') });
  output({
    defaultPut: await getSignedUrl(client(s), command(), { expiresIn: 3600 }),
    whenRequiredPut: await getSignedUrl(client(s, { requestChecksumCalculation: 'WHEN_REQUIRED' }), command(), { expiresIn: 3600 }),
  });
}

withTimeout(main(), 60000, 'presign_checksum.mjs').catch(fail);
