"""strictS3's control API driven from Python with botocore's own SigV4 signer,
as a pytest suite outside Go would use it.

Run by e2e/control_test.go against the stricts3 binary. Reads the endpoint
and credentials from the standard environment (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION) plus
E2E_BUCKET, a bucket the server created at start (serve --bucket).

Prints one JSON document with what each step saw; the Go test judges.
"""

import datetime
import json
import os
import sys
import traceback
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.session
from botocore.config import Config

ENDPOINT = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
REGION = os.environ["AWS_DEFAULT_REGION"]
TIMEOUT = 30


def http(method, url, headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return {"status": resp.status, "body": resp.read().decode("utf-8", "replace"), "headers": dict(resp.headers)}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode("utf-8", "replace"), "headers": dict(e.headers)}


def server_now():
    """The server's time, from the open clock endpoint."""
    clock = json.loads(http("GET", ENDPOINT + "/_stricts3/clock")["body"])
    return datetime.datetime.strptime(clock["amzDate"], "%Y%m%dT%H%M%SZ")


def control(path, at_server_time=False, **params):
    """POSTs /_stricts3/<path>, signed with botocore's S3SigV4Auth by the
    owner key. at_server_time signs at the server's clock, which a request
    needs once that clock is more than 15 minutes off."""
    req = botocore.awsrequest.AWSRequest(method="POST", url=ENDPOINT + "/_stricts3/" + path, params=params)
    creds = botocore.session.get_session().get_credentials()
    signer = botocore.auth.S3SigV4Auth(creds, "s3", REGION)
    if at_server_time:
        with mock.patch("botocore.auth.get_current_datetime", return_value=server_now()):
            signer.add_auth(req)
    else:
        signer.add_auth(req)
    prepared = req.prepare()
    resp = http("POST", prepared.url, headers=dict(prepared.headers))
    if resp["status"] == 200:
        resp["json"] = json.loads(resp["body"])
    return resp


def step(results, name, fn):
    try:
        results[name] = {"ok": True, **(fn() or {})}
    except Exception as e:  # the Go test reports which step broke and why
        results[name] = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()[-2000:]}


def main():
    bucket = os.environ["E2E_BUCKET"]
    s3 = boto3.client("s3", config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))
    results = {"botocore": botocore.__version__}

    step(results, "health", lambda: http("GET", ENDPOINT + "/_stricts3/health"))
    step(results, "put", lambda: {"status": s3.put_object(Bucket=bucket, Key="k", Body=b"v")["ResponseMetadata"]["HTTPStatusCode"]})
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=900)
    step(results, "presigned_before", lambda: http("GET", url))
    step(results, "anonymous_advance", lambda: http("POST", ENDPOINT + "/_stricts3/clock/advance?duration=16m"))
    step(results, "advance", lambda: control("clock/advance", duration="16m"))
    step(results, "presigned_after_advance", lambda: http("GET", url))
    step(results, "reset_clock_local_time", lambda: control("clock/reset"))
    step(results, "reset_clock_server_time", lambda: control("clock/reset", at_server_time=True))
    step(results, "presigned_after_reset", lambda: http("GET", url))
    step(results, "reset_store", lambda: control("reset"))
    step(results, "list_after_reset", lambda: {"keys": [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]})

    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
