#!/usr/bin/env python3
"""Prints the per-chunk vs batch tables from the load generator's --json files.

File names say the run: loadgen-<mode>-<payload>-<server latency>.json (run-loadgen-comparisons.sh).
"""
import json
import os
import re
import sys

NAME = re.compile(r"loadgen-(per-chunk|batch)-(\w+)-(\w+)\.json$")
PAYLOADS = ["4k", "64k", "1m"]
LATENCIES = ["0s", "200us"]


def load(paths):
    runs = {}
    for path in paths:
        m = NAME.search(os.path.basename(path))
        if not m:
            continue
        with open(path) as f:
            runs[(m.group(1), m.group(2), m.group(3))] = json.load(f)
    return runs


def fmt(x, digits=0):
    return ("%." + str(digits) + "f") % x


def main(paths):
    runs = load(paths)
    print("\n| payload | server latency | acquisition | ops/s | MB/s | p50 us | p99 us | p99.9 us | max us "
          "| calls in flight | calls holding MRs | errors | invariants |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for p in PAYLOADS:
        for lat in LATENCIES:
            for mode in ["per-chunk", "batch"]:
                r = runs.get((mode, p, lat))
                if r is None:
                    print("| %s | %s | %s | (no run) ||||||||||" % (p, lat, mode))
                    continue
                l = r["latencyUs"]
                ok = r.get("invariants", {}).get("ok")
                print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    p, lat, mode, fmt(r["opsPerSec"]), fmt(r["mbPerSec"], 1), fmt(l["p50"]), fmt(l["p99"]),
                    fmt(l["p999"]), fmt(l["max"]), r["maxInFlight"], r.get("maxRegisteredCalls", "-"),
                    r.get("errors", 0),
                    "ok" if ok else "FAILED"))
    print("\nRatio per-chunk / batch (ops/s; above 1: per-chunk is faster)\n")
    print("| payload | server latency 0s | server latency 200us |")
    print("|---|---:|---:|")
    for p in PAYLOADS:
        cells = []
        for lat in LATENCIES:
            a, b = runs.get(("per-chunk", p, lat)), runs.get(("batch", p, lat))
            cells.append(fmt(a["opsPerSec"] / b["opsPerSec"], 2) if a and b and b["opsPerSec"] > 0 else "-")
        print("| %s | %s |" % (p, " | ".join(cells)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: loadgen_tables.py loadgen-*.json...")
    main(sys.argv[1:])
