// Issue #3: S3Client.send(PutObjectCommand) with a stream body of known
// length, at the SDK's default checksum settings, then GetObject and compare.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { settings, client, sha256Hex, withTimeout, output, fail } from './lib.mjs';

async function main() {
  const s = settings();
  const s3 = client(s);
  const key = process.env.S3_KEY || 'streams/known-length.bin';
  const size = Number(process.env.S3_SIZE || 3 * 1024 * 1024 + 11);
  const data = randomBytes(size);

  // A stream that hands out the bytes in odd-sized pieces, so the SDK cannot
  // treat it as a buffer.
  const piece = 100003;
  async function* chunks() {
    for (let off = 0; off < data.length; off += piece) yield data.subarray(off, off + piece);
  }
  const put = await s3.send(new PutObjectCommand({
    Bucket: s.bucket,
    Key: key,
    Body: Readable.from(chunks()),
    ContentLength: data.length,
    ContentType: 'application/octet-stream',
  }));

  const get = await s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: key, ChecksumMode: 'ENABLED' }));
  const back = Buffer.from(await get.Body.transformToByteArray());

  output({
    key,
    uploadedSha256: sha256Hex(data),
    uploadedLength: data.length,
    putETag: put.ETag,
    putChecksumCRC32: put.ChecksumCRC32 || null,
    putChecksumCRC64NVME: put.ChecksumCRC64NVME || null,
    getContentLength: get.ContentLength,
    getChecksumCRC32: get.ChecksumCRC32 || null,
    downloadedSha256: sha256Hex(back),
    downloadedLength: back.length,
  });
}

withTimeout(main(), 90000, 'putstream.mjs').catch(fail);
