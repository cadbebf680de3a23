"""Celery client of bench/run: runs one workload, prints one JSON line per measured run.

usage: bench_client.py enqueue|enqueue-bulk|fill|load|rtt|e2e|gray N WARMUP RUNS
       [START_FILE END_FILE [io URL] | PICTURE_DIR]
enqueue waits for each send (delay()); Celery has no pipelined one-by-one form.
"""
import base64
import json
import os
import sys
import time

from celery import group

from bench_tasks import add, app, grayscale, io_wait, mark, noop

BATCH = 1000


def send_noops(n, bulk, url=None):
    if not bulk:
        for _ in range(n):
            noop.delay()
        return
    for sent in range(0, n, BATCH):
        k = min(BATCH, n - sent)
        if url is None:
            group(noop.s() for _ in range(k)).apply_async()
        else:
            group(io_wait.s(url) for _ in range(k)).apply_async()


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


def fill(n, warmup, start_file, end_file, url=None):
    """W tasks with a mark half-way (to <start>.half), the start mark, N tasks, the end mark:
    no-ops, or bench.io(url) calls. The half-way mark runs the probe once inside the warm-up, as
    every system's fill does (a JIT would otherwise recompile there, inside the measured window)."""
    purge()
    send_noops(warmup // 2, True, url)
    mark.delay(start_file + ".half")
    send_noops(warmup - warmup // 2, True, url)
    mark.delay(start_file)
    send_noops(n, True, url)
    mark.delay(end_file)
    print(json.dumps({"queued": n + warmup + 3}), flush=True)


def load(n):
    """Empties the queue, then queues N no-ops and leaves them there (queue memory)."""
    purge()
    send_noops(n, True)
    print(json.dumps({"queued": n}), flush=True)


def pictures(directory):
    names = sorted(f for f in os.listdir(directory) if f.endswith(".png"))
    if not names:
        raise SystemExit("no .png in %s: make them with apium demo --inputs-only" % directory)
    out = []
    for name in names:
        with open(os.path.join(directory, name), "rb") as f:
            out.append({"name": name, "data": base64.b64encode(f.read()).decode()})
    return out


def gray_all(pics, n):
    results = [grayscale.delay(pics[i % len(pics)]) for i in range(n)]
    for r in results:
        assert r.get(timeout=120)["data"], "images.grayscale returned no picture"


def gray(n, warmup, runs, directory):
    """images.grayscale on N pictures, all sent, then every result fetched."""
    pics = pictures(directory)
    gray_all(pics, warmup)
    for _ in range(runs):
        start = time.perf_counter()
        gray_all(pics, n)
        print(json.dumps({"rate": n / (time.perf_counter() - start)}), flush=True)


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
    if workload in ("fill", "load", "enqueue") and app.conf.broker_url.startswith("amqp"):
        # fill, load: queues the input of a later timing: every publish waits for the broker's
        # confirm, so the last messages cannot be lost when this process exits (a quick run lost
        # the end mark). enqueue ("each send waited for"): without confirms delay() returns once the
        # socket took the bytes, not when RabbitMQ has the message, as Apium's and BullMQ's do.
        app.conf.broker_transport_options = {"confirm_publish": True}
    if workload == "enqueue":
        enqueue(n, warmup, runs, False)
    elif workload == "enqueue-bulk":
        enqueue(n, warmup, runs, True)
    elif workload == "fill":
        fill(n, warmup, argv[5], argv[6], argv[8] if len(argv) > 8 and argv[7] == "io" else None)
    elif workload == "load":
        load(n)
    elif workload == "gray":
        gray(n, warmup, runs, argv[5])
    elif workload == "rtt":
        round_trip(n, warmup, runs)
    elif workload == "e2e":
        end_to_end(n, warmup, runs)
    else:
        raise SystemExit("unknown workload " + workload)


if __name__ == "__main__":
    main(sys.argv)
