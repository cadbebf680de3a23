"""Celery side of bench/run: the same tasks as dev.apium.bench.BenchTasks, and the image
example's images.grayscale (Pillow, imported on first use: only that workload needs it).

Broker and backend come from BENCH_BROKER / BENCH_BACKEND (set by bench/run).
"""
import base64
import http.client
import io
import logging
import os
import threading
import time
from urllib.parse import urlsplit

from celery import Celery
from celery.signals import after_setup_logger

app = Celery(
    "bench",
    broker=os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("BENCH_BACKEND", "redis://127.0.0.1:6379/0"),
)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@after_setup_logger.connect
def quiet_task_lines(**_):
    """Keeps the worker's 'ready.' line but drops the two INFO lines per task (best setting)."""
    for name in ("celery.app.trace", "celery.worker.strategy"):
        logging.getLogger(name).setLevel(logging.WARNING)


@app.task(name="bench.noop", ignore_result=True)
def noop():
    return None


@app.task(name="bench.add")
def add(a, b):
    return a + b


@app.task(name="bench.mark", ignore_result=True)
def mark(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(repr(time.time()))
    os.replace(tmp, path)


_http = threading.local()  # one keep-alive connection per pool thread (greenlet under gevent)


@app.task(name="bench.io", ignore_result=True)
def io_wait(url):
    """The I/O-bound task: one GET on bench/run's slow local HTTP server (50 ms)."""
    parts = urlsplit(url)
    conn = getattr(_http, "conn", None)
    if conn is None:
        conn = _http.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", parts.path or "/")
        response = conn.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        _http.conn = None
        conn.close()
        raise
    if response.status != 200:
        raise RuntimeError("GET %s answered %d" % (url, response.status))


@app.task(name="images.grayscale")
def grayscale(picture):
    """The image example's grayscale: ITU-R 601 luminance (Pillow's "L"), 8-bit gray PNG back."""
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(picture["data"])))
    gray = image.convert("L")
    out = io.BytesIO()
    gray.save(out, "PNG")
    return {"name": picture["name"], "data": base64.b64encode(out.getvalue()).decode(),
            "width": gray.width, "height": gray.height}
