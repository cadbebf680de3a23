"""Celery client of bench/run: runs one workload, prints one JSON line per measured run.

usage: bench_client.py enqueue|enqueue-bulk|fill|rtt|e2e N WARMUP RUNS [START_FILE END_FILE]
"""
import json
import sys
import time

from celery import group

from bench_tasks import add, app, mark, noop

BATCH = 1000


def send_noops(n, bulk):
    if not bulk:
        for _ in range(n):
            noop.delay()
        return
    for sent in range(0, n, BATCH):
        group(noop.s() for _ in range(min(BATCH, n - sent))).apply_async()


def purge():
    app.control.purge()


def enqueue(n, warmup, runs, bulk):
    send_noops(warmup, bulk)
    purge()
    for _ in range(runs):
        start = time.perf_counter()
        send_noops(n, bulk)
        elapsed = time.perf_counter() - start
        purge()
        print(json.dumps({"rate": n / elapsed}), flush=True)


def fill(n, warmup, start_file, end_file):
    purge()
    send_noops(warmup, True)
    mark.delay(start_file)
    send_noops(n, True)
    mark.delay(end_file)
    print(json.dumps({"queued": n + warmup + 2}), flush=True)


def round_trip(n, warmup, runs):
    for _ in range(warmup):
        add.delay(1, 2).get(timeout=60)
    for _ in range(runs):
        lat = []
        for _ in range(n):
            start = time.perf_counter()
            value = add.delay(1, 2).get(timeout=60)
            lat.append(time.perf_counter() - start)
            assert value == 3, value
        lat.sort()
        p99 = lat[min(n - 1, -(-n * 99 // 100) - 1)]
        print(json.dumps({"p50_ms": lat[n // 2] * 1e3, "p99_ms": p99 * 1e3}), flush=True)


def send_and_collect(n):
    results = [add.delay(1, 2) for _ in range(n)]
    for r in results:
        value = r.get(timeout=60)
        assert value == 3, value


def end_to_end(n, warmup, runs):
    send_and_collect(warmup)
    for _ in range(runs):
        start = time.perf_counter()
        send_and_collect(n)
        print(json.dumps({"rate": n / (time.perf_counter() - start)}), flush=True)


def main(argv):
    workload, n, warmup, runs = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    if workload == "enqueue":
        enqueue(n, warmup, runs, False)
    elif workload == "enqueue-bulk":
        enqueue(n, warmup, runs, True)
    elif workload == "fill":
        fill(n, warmup, argv[5], argv[6])
    elif workload == "rtt":
        round_trip(n, warmup, runs)
    elif workload == "e2e":
        end_to_end(n, warmup, runs)
    else:
        raise SystemExit("unknown workload " + workload)


if __name__ == "__main__":
    main(sys.argv)
