#!/usr/bin/env python3
"""Turns JMH JSON results (throughput in ops/us) into the ns-per-call tables of BENCHMARKS.md.

Every JMH iteration is one repetition: ns per call = 1000 / ops_per_us of that iteration. A cell shows
median (min-max) over iterations; a ratio a/b shows median(a)/median(b) (min(a)/max(b) - max(a)/min(b)).
"""
import json
import statistics
import sys

CALLERS = [1, 2, 16, 64]


def load(paths):
    rows = {}  # (short name, callers) -> list of ns per call
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                name = r["benchmark"].rsplit(".", 1)[1]
                callers = int(r.get("params", {}).get("inflight", r["threads"]))
                raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
                rows[(name, callers)] = [1000.0 / x for x in raw]
    return rows


def cell(v):
    return "%.0f (%.0f-%.0f)" % (statistics.median(v), min(v), max(v))


def ratio(a, b):
    return "%.2f (%.2f-%.2f)" % (statistics.median(a) / statistics.median(b), min(a) / max(b), max(a) / min(b))


def table(title, header, lines):
    print("\n" + title + "\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")


def main(paths):
    rows = load(paths)
    callers_header = ["variant"] + ["%d caller%s" % (c, "" if c == 1 else "s") for c in CALLERS]
    acquisition = [
        ("batch of 64 under a lock (old design)", "batch64UnderLock"),
        ("per-chunk under a plain lock", "perChunkUnderLock"),
        ("per-chunk, lock-free stack (floor)", "perChunkLockFree"),
        ("per-chunk from the MrPool actor", "acquireReleaseFromActor"),
    ]
    table("MR acquisition, ns per call (acquire + release for a one-chunk call), median (min-max)",
          callers_header,
          [[label] + [cell(rows[(name, c)]) if (name, c) in rows else "-" for c in CALLERS]
           for label, name in acquisition])
    ratios = []
    for label, name in acquisition[1:]:
        ratios.append(["%s / batch" % label] + [
            ratio(rows[(name, c)], rows[("batch64UnderLock", c)])
            if (name, c) in rows and ("batch64UnderLock", c) in rows else "-" for c in CALLERS])
    table("Ratio per-chunk / batch (below 1: per-chunk is cheaper), median (spread)", callers_header, ratios)
    direct = rows.get(("directEngine", 1))
    cycle = [["direct engine, one thread (floor)"] + [cell(direct) if c == 1 and direct else "-" for c in CALLERS],
             ["actor pipeline (RdmaTransport)"] + [cell(rows[("actorPipeline", c)])
                                                   if ("actorPipeline", c) in rows else "-" for c in CALLERS]]
    if direct:
        cycle.append(["ratio actor / direct"] + [ratio(rows[("actorPipeline", c)], direct)
                                                  if ("actorPipeline", c) in rows else "-" for c in CALLERS])
    table("FRWR cycle (acquire, FAST_REG, peer RDMA WRITE 4 KiB, LOCAL_INV, release), ns per cycle, "
          "FREE fabric, zero costs", ["variant"] + ["%d in flight" % c for c in CALLERS], cycle)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: jmh_tables.py RESULT.json...")
    main(sys.argv[1:])
