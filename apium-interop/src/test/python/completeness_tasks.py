"""Python twins of the Java tasks in CompletenessTasks.java (issue 14): imported by the Python
worker with ``-I completeness_tasks`` and by the clients of CeleryCompletenessIT."""
from celery import chain, group

from interop_tasks import add, app


class ExpectedException(Exception):
    """As in Celery's own integration tests: equal when the arguments are."""

    def __eq__(self, other):
        return isinstance(other, ExpectedException) and self.args == other.args

    def __hash__(self):
        return hash(self.args)


PROPERTY_KEYS = ("app_id", "correlation_id", "delivery_mode", "priority", "reply_to")


@app.task(name="c14.fail2")
def fail2(a, b):
    raise ExpectedException(a, b)


@app.task(name="c14.fail0")
def fail0():
    raise ExpectedException()


@app.task(name="c14.arity")
def arity(x, y):
    return x + y


@app.task(name="c14.replace_empty", bind=True)
def replace_empty(self):
    raise self.replace(chain())


@app.task(name="c14.replace_chain", bind=True)
def replace_chain(self, x):
    raise self.replace(chain(add.s(x, 1), add.s(10)))


@app.task(name="c14.props", bind=True)
def props(self):
    return {k: v for k, v in (self.request.properties or {}).items() if k in PROPERTY_KEYS}


@app.task(name="c14.spawn")
def spawn(x):
    add.delay(x, 1)
    return x


@app.task(name="c14.spawn_group")
def spawn_group(n):
    group(add.s(i, i) for i in range(n)).delay()
    return n


@app.task(name="c14.returns_result")
def returns_result(x):
    return add.delay(x, x)


@app.task(name="c14.returns_group")
def returns_group(n):
    return group(add.s(i, i) for i in range(n)).delay()


@app.task(name="c14.identity")
def identity(x):
    return x


@app.task(name="c14.replace_failing", bind=True)
def replace_failing(self, key):
    from interop_tasks import fail, record

    raise self.replace(chain(fail.s("inner"), add.si(1, 1)).on_error(record.si("errback", key)))


@app.task(name="c14.retry_max", bind=True, max_retries=3)
def retry_max(self, key):
    import os

    import redis

    redis.Redis.from_url(os.environ["INTEROP_RECORD_URL"]).rpush(key, "run")
    raise self.retry(countdown=0.1, max_retries=1)


@app.task(name="c14.expires_in", bind=True, expires=60)
def expires_in(self):
    from datetime import datetime, timezone

    expires = self.request.expires
    if isinstance(expires, str):
        expires = datetime.fromisoformat(expires)
    return None if expires is None else (expires - datetime.now(timezone.utc)).total_seconds()
