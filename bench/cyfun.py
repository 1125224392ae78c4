#!/usr/bin/env python3
"""CyFun assessment figures of a release build of `ward` on this machine.

Reports:
  * the assessment workspace page of the demo (218 requirements, banner, chart, filters), signed
    in as the demo owner: latency on loopback over sequential requests (p50/p95), which is the
    server time plus a few tens of microseconds of loopback;
  * the same page filtered to key measures;
  * scoring, verdicts, workbook import and export from `cargo bench -p ward-app --bench cyfun`.

Usage:  cargo build --release && python3 bench/cyfun.py [--requests 300] [--json]
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

from security import ROOT, WARD, env, free_port, wait_ready  # one copy of the server helpers
OWNER = "an.peeters@az-voorbeeldstad.example"


def timed_gets(port, path, cookie, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    samples = []
    for i in range(n + 20):
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        res = conn.getresponse()
        body = res.read()
        dt = time.perf_counter() - t
        if res.status != 200:
            raise SystemExit(f"GET {path}: {res.status}")
        if i >= 20:  # warm-up
            samples.append(dt)
    samples.sort()
    pct = lambda p: round(samples[int((len(samples) - 1) * p)] * 1000, 2)
    return {"p50_ms": pct(0.5), "p95_ms": pct(0.95), "requests": n, "bytes": len(body)}


def page_times(n):
    with tempfile.TemporaryDirectory() as d:
        demo = subprocess.run([WARD, "demo", "--no-serve", "--json", "--data", d], check=True, env=env(), capture_output=True, text=True)
        password = json.loads(demo.stdout)["password"]
        port = free_port()
        proc = subprocess.Popen([WARD, "serve", "--data", d, "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
        try:
            wait_ready(port)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            body = urllib.parse.urlencode({"email": OWNER, "password": password})
            conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
            res = conn.getresponse()
            res.read()
            cookie = next(v.split(";")[0] for k, v in res.getheaders() if k.lower() == "set-cookie" and v.startswith("ward_session="))
            conn.request("GET", "/api/v1/orgs/az-voorbeeldstad/assessments", headers={"Cookie": cookie})
            assessment = json.loads(conn.getresponse().read())[0]["id"]
            page = f"/orgs/az-voorbeeldstad/assessments/{assessment}"
            return {
                "workspace_page": timed_gets(port, page, cookie, n),
                "workspace_page_key_measures": timed_gets(port, page + "?key=1", cookie, n),
                "requirement_page": timed_gets(port, page + "/requirements/PR.AA-03.2", cookie, n),
                "score_api": timed_gets(port, f"/api/v1/orgs/az-voorbeeldstad/assessments/{assessment}/score", cookie, n),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def cargo_bench():
    out = subprocess.run(["cargo", "bench", "-q", "-p", "ward-app", "--bench", "cyfun"], cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, "CARGO_BUILD_JOBS": "2"}).stdout
    result = {}
    for line in out.splitlines():
        m = re.match(r"(.+?)\s+p50\s+([\d.]+) (µs|ms)\s+p95\s+([\d.]+) (µs|ms)", line)
        if m:
            result[m.group(1).strip()] = {f"p50_{m.group(3)}": float(m.group(2)), f"p95_{m.group(5)}": float(m.group(4))}
    return result, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    pages = page_times(args.requests)
    bench, raw = cargo_bench()
    result = {"pages": pages, "cargo_bench": bench, "targets": {"score_us": 50, "import_ms": 500, "export_ms": 1000, "page_ms": 30}}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, r in pages.items():
        print(f"{name:<32} p50 {r['p50_ms']:>7.2f} ms  p95 {r['p95_ms']:>7.2f} ms  ({r['requests']} requests, {r['bytes']} bytes)")
    print(raw, end="")


if __name__ == "__main__":
    main()
