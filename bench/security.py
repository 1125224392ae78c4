#!/usr/bin/env python3
"""Security costs of a release build of `ward` on this machine.

Reports:
  * sign-in throughput (POST /login with the right password; each one verifies an Argon2id hash
    with m=19 MiB, t=2, p=1 and creates a session) with several concurrent clients on loopback;
  * what the tamper-evident audit-log append adds to one change on SQLite (p50/p95/p99), from
    `cargo bench -p ward-store --bench audit_append`.

Usage:  cargo build --release && python3 bench/security.py [--seconds 10] [--clients 4] [--json]
"""
import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARD = os.path.join(ROOT, "target", "release", "ward")


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("WARD_")}
    e["WARD_LOG"] = "warn"
    return e


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise SystemExit("ward did not become ready")


def sign_in_throughput(seconds, clients):
    with tempfile.TemporaryDirectory() as d:
        demo = subprocess.run([WARD, "demo", "--no-serve", "--json", "--data", d], check=True, env=env(), capture_output=True, text=True)
        password = json.loads(demo.stdout)["password"]
        port = free_port()
        proc = subprocess.Popen([WARD, "serve", "--data", d, "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
        try:
            wait_ready(port)
            body = urllib.parse.urlencode({"email": "an.peeters@az-voorbeeldstad.example", "password": password})
            counts = {"ok": 0, "other": 0}
            latencies = []
            lock = threading.Lock()
            stop = time.time() + seconds

            def worker():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                while time.time() < stop:
                    t = time.perf_counter()
                    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
                    res = conn.getresponse()
                    res.read()
                    dt = time.perf_counter() - t
                    with lock:
                        counts["ok" if res.status == 303 else "other"] += 1
                        latencies.append(dt)

            threads = [threading.Thread(target=worker) for _ in range(clients)]
            started = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.time() - started
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    latencies.sort()
    pct = lambda p: round(latencies[int((len(latencies) - 1) * p)] * 1000, 1) if latencies else None
    return {
        "sign_ins_per_s": round(counts["ok"] / elapsed, 1),
        "refused": counts["other"],
        "latency_ms": {"p50": pct(0.5), "p95": pct(0.95)},
        "clients": clients,
        "seconds": round(elapsed, 1),
        "argon2id": {"memory_kib": 19456, "iterations": 2, "parallelism": 1},
    }


def audit_append_cost():
    out = subprocess.run(["cargo", "bench", "-q", "-p", "ward-store", "--bench", "audit_append"], cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, "CARGO_BUILD_JOBS": "2"}).stdout
    result = {}
    for line in out.splitlines():
        m = re.match(r"(change alone|change \+ audit append|added by the audit append)\s+p50\s+(-?[\d.]+) µs\s+p95\s+(-?[\d.]+) µs\s+p99\s+(-?[\d.]+) µs", line)
        if m:
            result[m.group(1)] = {"p50_us": float(m.group(2)), "p95_us": float(m.group(3)), "p99_us": float(m.group(4))}
    return result, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(WARD):
        raise SystemExit("build first: cargo build --release")
    login = sign_in_throughput(args.seconds, args.clients)
    audit, raw = audit_append_cost()
    if args.json:
        print(json.dumps({"sign_in": login, "audit_append_sqlite": audit}, indent=2))
        return
    print(f"sign-in (Argon2id m=19 MiB, t=2, p=1): {login['sign_ins_per_s']} per second with {login['clients']} clients, "
          f"p50 {login['latency_ms']['p50']} ms, p95 {login['latency_ms']['p95']} ms ({login['refused']} refused)")
    print(raw.strip())


if __name__ == "__main__":
    sys.exit(main())
