"""Celery side of bench/run: the same three tasks as dev.apium.bench.BenchTasks.

Broker and backend come from BENCH_BROKER / BENCH_BACKEND (set by bench/run).
"""
import logging
import os
import time

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
