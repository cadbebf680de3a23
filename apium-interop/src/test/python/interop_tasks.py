"""Celery 5.2.6 app used by Apium's interop tests.

Broker and backend come from INTEROP_BROKER / INTEROP_BACKEND; INTEROP_QUEUE names the default queue.
Every task is named interop.* so Java and Python register the same names.
"""
import os
import time

from celery import Celery

app = Celery(
    "interop",
    broker=os.environ.get("INTEROP_BROKER", "redis://127.0.0.1:6379/9"),
    backend=os.environ.get("INTEROP_BACKEND", "redis://127.0.0.1:6379/9"),
)
app.conf.update(
    task_default_queue=os.environ.get("INTEROP_QUEUE", "celery"),
    timezone="UTC",
    enable_utc=True,
    result_extended=os.environ.get("INTEROP_EXTENDED") == "1",
    worker_hijack_root_logger=False,
    task_acks_late=os.environ.get("INTEROP_ACKS_LATE") == "1",
)

# Celery's task_queues for the default queue, as a Celery 5.5+ team on quorum queues or on a topic
# exchange writes it: INTEROP_QUEUE_ARGUMENTS (JSON, e.g. {"x-queue-type": "quorum"}),
# INTEROP_EXCHANGE / INTEROP_EXCHANGE_TYPE / INTEROP_ROUTING_KEY.
if os.environ.get("INTEROP_QUEUE_ARGUMENTS") or os.environ.get("INTEROP_EXCHANGE_TYPE"):
    import json

    from kombu import Exchange, Queue

    _queue = app.conf.task_default_queue
    _arguments = os.environ.get("INTEROP_QUEUE_ARGUMENTS")
    app.conf.task_queues = [
        Queue(
            _queue,
            Exchange(
                os.environ.get("INTEROP_EXCHANGE", _queue),
                type=os.environ.get("INTEROP_EXCHANGE_TYPE", "direct"),
            ),
            routing_key=os.environ.get("INTEROP_ROUTING_KEY", _queue),
            queue_arguments=json.loads(_arguments) if _arguments else None,
        )
    ]

# Quorum queues refuse a global prefetch. Celery 5.5+ workers switch to per-consumer QoS by
# themselves (worker_detect_quorum_queues); a 5.2.6 worker needs this to consume a quorum queue.
if os.environ.get("INTEROP_PER_CONSUMER_QOS") == "1":
    from kombu.transport import pyamqp

    pyamqp.Transport.qos_semantics_matches_spec = lambda self, connection: True
# Message signing (SecureInteropIT): INTEROP_SECURITY_KEY / _CERT / _STORE name throwaway files.
if os.environ.get("INTEROP_SECURITY_KEY"):
    app.conf.update(
        security_key=os.environ["INTEROP_SECURITY_KEY"],
        security_certificate=os.environ["INTEROP_SECURITY_CERT"],
        security_cert_store=os.environ["INTEROP_SECURITY_STORE"],
        security_digest="sha256",
        task_serializer="auth",
        accept_content=["auth"],
        result_serializer=os.environ.get("INTEROP_RESULT_SERIALIZER", "json"),
        result_accept_content=["json", "auth"],
    )
    app.setup_security()


@app.task(name="interop.add")
def add(x, y):
    return x + y


@app.task(name="interop.mul")
def mul(x, y):
    return x * y


@app.task(name="interop.tsum")
def tsum(numbers):
    return sum(numbers)


@app.task(name="interop.fail")
def fail(message):
    raise ValueError(message)


@app.task(name="interop.echo")
def echo(*args, **kwargs):
    return {"args": list(args), "kwargs": kwargs}


@app.task(name="interop.types")
def types(kind):
    values = {
        "int": 42,
        "big": 2**53 + 1,
        "float": 2.5,
        "str": "héllo ✓",
        "bool": True,
        "none": None,
        "list": [1, "two", 3.0, None],
        "dict": {"a": 1, "b": [True, False]},
    }
    return values[kind]


@app.task(name="interop.whoami", bind=True)
def whoami(self, tag):
    return {"tag": tag, "worker": "python", "hostname": self.request.hostname}


@app.task(name="interop.headers", bind=True)
def headers(self):
    return {
        "retries": self.request.retries,
        "eta": str(self.request.eta),
        "expires": str(self.request.expires),
        "priority": (self.request.delivery_info or {}).get("priority"),
        "custom": getattr(self.request, "custom", None),
    }


@app.task(name="interop.retrying", bind=True, max_retries=3, default_retry_delay=0.2)
def retrying(self, succeed_after):
    if self.request.retries < succeed_after:
        raise self.retry(countdown=0.2)
    return self.request.retries


@app.task(name="interop.sleep")
def sleep(seconds):
    time.sleep(seconds)
    return seconds


@app.task(name="interop.record")
def record(tag, key):
    """Appends the tag to a Redis list so tests can count executions across languages."""
    import redis

    redis.Redis.from_url(os.environ["INTEROP_RECORD_URL"]).rpush(key, "py:" + tag)
    return "py"


@app.task(name="interop.tally")
def tally(numbers, key):
    """Chord body: records who ran it with the sum (to count runs across languages); returns the sum."""
    import redis

    total = sum(numbers)
    redis.Redis.from_url(os.environ["INTEROP_RECORD_URL"]).rpush(key, "py:%d" % total)
    return total


@app.task(name="interop.stamps", bind=True)
def stamps(self, *args):
    """What a Celery 5.3+ stamped message shows a 5.2.6 worker: its headers land on request."""
    return {
        "args": list(args),
        "stamped_headers": getattr(self.request, "stamped_headers", None),
        "stamps": getattr(self.request, "stamps", None),
        "replaced_task_nesting": getattr(self.request, "replaced_task_nesting", None),
    }
