// The pre-signed upload code from the talk, as an application writes it:
// getSignedUrl for PutObject and GetObject with the SDK's default settings
// (which add x-amz-checksum-crc32 and x-amz-sdk-checksum-algorithm to the PUT
// URL), an upload and download with fetch, and createPresignedPost with a
// 5 MiB content-length-range, success_action_status 201 and image/png,
// posted with FormData.
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { settings, client, sha256Hex, summarise, withTimeout, output, fail } from './lib.mjs';

async function main() {
  const s = settings();
  const s3 = client(s);
  const key = process.env.S3_KEY || 'uploads/talk photo.png';
  const postKey = process.env.S3_POST_KEY || 'uploads/posted-${filename}';
  const body = randomBytes(64 * 1024 + 7);

  const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: s.bucket, Key: key }), { expiresIn: 3600 });
  const put = await summarise(await fetch(putUrl, { method: 'PUT', body, signal: AbortSignal.timeout(30000) }));

  const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: s.bucket, Key: key }), { expiresIn: 3600 });
  const got = await summarise(await fetch(getUrl, { signal: AbortSignal.timeout(30000) }));

  const { url: postUrl, fields } = await createPresignedPost(s3, {
    Bucket: s.bucket,
    Key: postKey,
    Conditions: [['content-length-range', 0, 5 * 1024 * 1024]],
    Fields: { success_action_status: '201', 'Content-Type': 'image/png' },
    Expires: 600,
  });
  const png = randomBytes(20 * 1024);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([png], { type: 'image/png' }), 'cat.png');
  const post = await summarise(await fetch(postUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(30000) }));

  output({
    key,
    putUrl,
    putQuery: [...new URL(putUrl).searchParams.keys()],
    put,
    uploadedSha256: sha256Hex(body),
    uploadedLength: body.length,
    getUrl,
    get: got,
    postUrl,
    postFields: fields,
    post,
    postedSha256: sha256Hex(png),
    postedLength: png.length,
  });
}

withTimeout(main(), 90000, 'presign.mjs').catch(fail);
