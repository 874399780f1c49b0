"""boto3 against strictS3, as an application uses it.

Run by e2e/boto3_test.go. Reads the endpoint and credentials from the standard
environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION, and AWS_CA_BUNDLE for TLS) plus:

  E2E_BUCKET    bucket to create and use
  E2E_BIG_FILE  path of a file to upload with upload_file (multipart)

Prints one JSON document: for every step, what happened (status codes,
hashes, URL parameters) or the error. The Go test asserts on it; this script
judges nothing itself, so one failing step does not hide the others.
"""

import hashlib
import http.client
import json
import os
import ssl
import sys
import tempfile
import traceback
import urllib.parse
import uuid

import boto3
from botocore.config import Config

TIMEOUT = 60


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def http_request(method, url, body=None, headers=None):
    """Sends exactly the given headers (urllib would add a Content-Type,
    which SigV2 signs) and returns status, headers and body."""
    u = urllib.parse.urlsplit(url)
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE") or None)
        conn = http.client.HTTPSConnection(u.hostname, u.port, timeout=TIMEOUT, context=ctx)
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=TIMEOUT)
    path = u.path + ("?" + u.query if u.query else "")
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return {
            "status": resp.status,
            "headers": {k.lower(): v for k, v in resp.getheaders()},
            "bodySha256": sha256(data),
            "bodyLength": len(data),
            "bodyText": data.decode("utf-8", "replace")[:8192] if resp.status >= 300 or b"<?xml" in data[:64] else "",
        }
    finally:
        conn.close()


def multipart(fields, file_name, file_bytes, content_type):
    boundary = "----stricts3" + uuid.uuid4().hex
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    out.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                % (boundary, file_name, content_type)).encode())
    out.append(file_bytes)
    out.append(("\r\n--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def step(results, name, fn):
    try:
        results[name] = {"ok": True, **(fn() or {})}
    except Exception as e:  # the Go test reports which step broke and why
        results[name] = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()[-2000:]}


def main():
    bucket = os.environ["E2E_BUCKET"]
    big = os.environ["E2E_BIG_FILE"]
    base = dict(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                connect_timeout=10, read_timeout=TIMEOUT)
    s3 = boto3.client("s3", config=Config(**base))
    s3v4 = boto3.client("s3", config=Config(signature_version="s3v4", **base))
    results = {"boto3": boto3.__version__, "region": s3.meta.region_name}
    small = os.urandom(100 * 1024 + 3)

    step(results, "create_bucket", lambda: {"status": s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]})

    def put_get():
        put = s3.put_object(Bucket=bucket, Key="small object.bin", Body=small)
        got = s3.get_object(Bucket=bucket, Key="small object.bin")
        data = got["Body"].read()
        return {"etag": put["ETag"], "uploadedSha256": sha256(small), "downloadedSha256": sha256(data)}
    step(results, "put_get", put_get)

    def presigned(client, method, **extra):
        url = client.generate_presigned_url(method, Params={"Bucket": bucket, "Key": "small object.bin", **extra}, ExpiresIn=600)
        query = sorted(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).keys())
        return url, query

    def presign_get(client):
        url, query = presigned(client, "get_object")
        return {"url": url, "query": query, "response": http_request("GET", url), "expectedSha256": sha256(small)}
    step(results, "presign_get_default", lambda: presign_get(s3))
    step(results, "presign_get_s3v4", lambda: presign_get(s3v4))

    def presign_put(client, key):
        body = os.urandom(10 * 1024)
        url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600)
        query = sorted(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).keys())
        return {"url": url, "query": query, "key": key, "response": http_request("PUT", url, body=body), "uploadedSha256": sha256(body)}
    step(results, "presign_put_default", lambda: presign_put(s3, "presigned/put v2.bin"))
    step(results, "presign_put_s3v4", lambda: presign_put(s3v4, "presigned/put v4.bin"))

    def upload_download():
        s3.upload_file(big, bucket, "big/upload_file.bin")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "down.bin")
            s3.download_file(bucket, "big/upload_file.bin", out)
            head = s3.head_object(Bucket=bucket, Key="big/upload_file.bin")
            return {"uploadedSha256": file_sha256(big), "downloadedSha256": file_sha256(out), "etag": head["ETag"],
                    "contentLength": head["ContentLength"]}
    step(results, "upload_file", upload_download)

    def presigned_post(client, key):
        data = os.urandom(30 * 1024)
        post = client.generate_presigned_post(
            bucket, key,
            Fields={"success_action_status": "201", "Content-Type": "image/png"},
            Conditions=[{"success_action_status": "201"}, {"Content-Type": "image/png"}, ["content-length-range", 0, 5 * 1024 * 1024]],
            ExpiresIn=600)
        body, ctype = multipart(post["fields"], "photo.png", data, "image/png")
        resp = http_request("POST", post["url"], body=body, headers={"Content-Type": ctype})
        return {"url": post["url"], "fields": sorted(post["fields"].keys()), "key": key, "response": resp, "uploadedSha256": sha256(data)}
    step(results, "presigned_post_default", lambda: presigned_post(s3, "posted/default.png"))
    step(results, "presigned_post_s3v4", lambda: presigned_post(s3v4, "posted/s3v4.png"))

    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
