#!/usr/bin/env python3
"""Writes a DKIM-signed message for loadtest/auth-cost.sh: rsa-sha256, c=simple/simple (RFC 6376
3.4.1, 3.4.3), signed by openssl, so the load test's messages come from a signer the gateway does
not share code with. Usage: dkim-sign.py KEY.pem DOMAIN SELECTOR FROM SIZE OUT.eml"""
import base64, hashlib, subprocess, sys

key, domain, selector, sender, size, out = sys.argv[1:7]
size = int(size)
lines, n = [], 0
while sum(len(l) + 2 for l in lines) < size:
    lines.append(f"line {n} of a message about the quick brown fox and the lazy dog, padded to size.")
    n += 1
body = "\r\n".join(lines) + "\r\n"
headers = [
    f"From: Load Test <{sender}>",
    "To: <sink@example.com>",
    "Subject: authentication cost",
    "Date: Mon, 07 Dec 2026 00:00:00 +0000",
    f"Message-ID: <{size}@{domain}>",
]
# simple body: as is, trailing empty lines dropped (there are none); simple headers: as is.
bh = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
unsigned = (f"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d={domain}; s={selector};"
            f" h=from:to:subject:date:message-id; bh={bh}; b=")
data = "".join(h + "\r\n" for h in headers) + unsigned
signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=data.encode(), capture_output=True, check=True).stdout
with open(out, "wb") as f:
    f.write((unsigned + base64.b64encode(signature).decode() + "\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n" + body).encode())
