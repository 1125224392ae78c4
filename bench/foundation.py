#!/usr/bin/env python3
"""Foundation benchmark for a release build of `ward` on this machine.

Reports:
  * time from process start to GET /readyz == 200 on SQLite (first start with migrations, and warm);
  * idle RSS of `ward serve` (after start, and after the load runs);
  * requests/s of /healthz and of one rendered page (/orgs/az-voorbeeldstad, signed in as the demo
    owner: session lookup, membership check, two queries and a template) under wrk on loopback.

Usage:  cargo build --release && python3 bench/foundation.py [--runs 20] [--duration 10] [--json]
Needs:  wrk (Debian package `wrk`).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARD = os.path.join(ROOT, "target", "release", "ward")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("WARD_")}
    e["WARD_LOG"] = "warn"
    return e


def start(data_dir, port):
    t0 = time.perf_counter()
    proc = subprocess.Popen([WARD, "serve", "--data", data_dir, "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    deadline = t0 + 30
    while time.perf_counter() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return proc, (time.perf_counter() - t0) * 1000
        except OSError:
            pass
        time.sleep(0.0005)
    proc.kill()
    raise SystemExit("ward did not become ready within 30 s")


def stop(proc):
    proc.terminate()
    proc.wait(timeout=10)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wrk(url, duration, connections, cookie=None):
    extra = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests_per_s": round(rps), "p99": p99.group(1) if p99 else None,
            "non_2xx": int(errors.group(1)) if errors else 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(WARD):
        raise SystemExit("build first: cargo build --release")
    if not shutil.which("wrk"):
        raise SystemExit("install wrk: apt-get install wrk")

    cold, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            port = free_port()
            proc, ms = start(d, port)  # new data folder: creates the database and migrates
            cold.append(ms)
            stop(proc)
            proc, ms = start(d, port)  # existing database
            warm.append(ms)
            stop(proc)

    with tempfile.TemporaryDirectory() as d:
        demo = subprocess.run([WARD, "demo", "--no-serve", "--json", "--data", d], check=True, env=env(), capture_output=True, text=True)
        password = json.loads(demo.stdout)["password"]
        port = free_port()
        proc, _ = start(d, port)
        time.sleep(2)
        idle = rss_mb(proc.pid)
        base = f"http://127.0.0.1:{port}"
        # Pages need a signed-in person: sign in once as the demo owner and reuse the session.
        conn = http.client.HTTPConnection("127.0.0.1", port)
        body = urllib.parse.urlencode({"email": "an.peeters@az-voorbeeldstad.example", "password": password})
        conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        res = conn.getresponse()
        res.read()
        cookie = next(c.split(";")[0] for c in res.headers.get_all("Set-Cookie") if c.startswith("ward_session="))
        healthz = wrk(base + "/healthz", args.duration, args.connections)
        page = wrk(base + "/orgs/az-voorbeeldstad", args.duration, args.connections, cookie)
        api = wrk(base + "/api/v1/orgs", args.duration, args.connections, cookie)
        time.sleep(2)
        after = rss_mb(proc.pid)
        stop(proc)

    result = {
        "machine": {"cores": os.cpu_count(), "note": "wrk and ward share the same cores"},
        "startup_to_ready_ms": {
            "first_start": {"median": round(statistics.median(cold), 1), "max": round(max(cold), 1)},
            "warm_start": {"median": round(statistics.median(warm), 1), "max": round(max(warm), 1)},
            "runs": args.runs,
        },
        "rss_mb": {"idle": round(idle, 1), "idle_after_load": round(after, 1)},
        "healthz": healthz,
        "page_orgs_overview": page,
        "api_orgs_list": api,
        "wrk": {"threads": 2, "connections": args.connections, "duration_s": args.duration},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    s = result["startup_to_ready_ms"]
    print(f"start to /readyz=200 (SQLite): first start median {s['first_start']['median']} ms "
          f"(max {s['first_start']['max']}), warm median {s['warm_start']['median']} ms "
          f"(max {s['warm_start']['max']}) over {args.runs} runs   [target < 500 ms]")
    print(f"idle RSS: {result['rss_mb']['idle']} MB, after load {result['rss_mb']['idle_after_load']} MB   [target < 50 MB]")
    print(f"/healthz: {healthz['requests_per_s']} req/s, p99 {healthz['p99']}   [target >= 20000]")
    print(f"page /orgs/az-voorbeeldstad: {page['requests_per_s']} req/s, p99 {page['p99']}   [target >= 2000]")
    print(f"API /api/v1/orgs: {api['requests_per_s']} req/s, p99 {api['p99']}")


if __name__ == "__main__":
    sys.exit(main())
