"""boto3 against a versioned strictS3 bucket.

Run by e2e/boto3_versions_test.go, with the environment boto3_e2e.py takes
(E2E_BUCKET names the bucket to create). Steps: write versions and a delete
marker, page through list_object_versions with boto3's paginator at a small
page size, fetch one old version through pre-signed URLs (boto3's default
signature and s3v4), then run the cleanup ceph/s3-tests runs between tests
(every bucket: page through versions and markers, delete_objects in batches
naming each VersionId, delete_bucket). Prints one JSON document; judges
nothing itself.
"""

import json
import os
import sys
import urllib.parse

import boto3
from botocore.config import Config

from boto3_e2e import TIMEOUT, http_request, sha256, step


def main():
    bucket = os.environ["E2E_BUCKET"]
    base = dict(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                connect_timeout=10, read_timeout=TIMEOUT)
    s3 = boto3.client("s3", config=Config(**base))
    s3v4 = boto3.client("s3", config=Config(signature_version="s3v4", **base))
    results = {"boto3": boto3.__version__, "region": s3.meta.region_name}
    written = {}

    def setup():
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        expected = []
        for i in range(4):
            key = "dir/key %d" % i
            ids = []
            for j in range(3):
                body = ("%s v%d" % (key, j)).encode()
                vid = s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"]
                written[vid] = body
                ids.insert(0, vid)
            if i == 1:
                marker = s3.delete_object(Bucket=bucket, Key=key)
                expected.append(["marker", key, marker["VersionId"]])
            expected += [["version", key, v] for v in ids]
        return {"expected": expected}
    step(results, "setup", setup)

    def paginate():
        pages = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}):
            entries = [["marker", m["Key"], m["VersionId"]] for m in page.get("DeleteMarkers", [])]
            entries += [["version", v["Key"], v["VersionId"]] for v in page.get("Versions", [])]
            # boto3 splits markers from versions; back in listing order (a
            # key's marker here is its newest entry). The sort is stable.
            entries.sort(key=lambda e: (e[1], e[0] != "marker"))
            pages.append({"entries": entries, "truncated": page["IsTruncated"],
                          "nextKeyMarker": page.get("NextKeyMarker", ""), "nextVersionIdMarker": page.get("NextVersionIdMarker", "")})
        return {"pages": pages}
    step(results, "paginate", paginate)

    def presign_version(client):
        versions = s3.list_object_versions(Bucket=bucket, Prefix="dir/key 0")["Versions"]
        oldest = versions[-1]["VersionId"]
        url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/key 0", "VersionId": oldest}, ExpiresIn=600)
        query = sorted(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).keys())
        return {"url": url, "query": query, "response": http_request("GET", url),
                "expectedSha256": sha256(written[oldest]), "key": oldest}
    step(results, "presign_version_default", lambda: presign_version(s3))
    step(results, "presign_version_s3v4", lambda: presign_version(s3v4))

    def s3tests_cleanup():
        deleted = 0
        for b in s3.list_buckets()["Buckets"]:
            batch = []
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=b["Name"], PaginationConfig={"PageSize": 5}):
                for obj in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    batch.append({"Key": obj["Key"], "VersionId": obj["VersionId"]})
                    if len(batch) == 1000:
                        s3.delete_objects(Bucket=b["Name"], Delete={"Objects": batch, "Quiet": True})
                        deleted += len(batch)
                        batch = []
                if batch:  # delete as pages come, as s3-tests does
                    s3.delete_objects(Bucket=b["Name"], Delete={"Objects": batch, "Quiet": True})
                    deleted += len(batch)
                    batch = []
            s3.delete_bucket(Bucket=b["Name"])
        return {"status": len(s3.list_buckets()["Buckets"]), "contentLength": deleted}
    step(results, "s3tests_cleanup", s3tests_cleanup)

    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
