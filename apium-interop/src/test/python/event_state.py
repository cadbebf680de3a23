"""Feeds Celery 5.2.6's own event State (what Flower uses) from app.events.Receiver and reports
what it saw. Usage: event_state.py <broker-url> <stop-file>. Prints one line per event
("EV <type> <uuid-or-hostname>") as it arrives, then, once <stop-file> exists, one JSON summary
line prefixed with @@OUT@@: workers (alive, seen event types) and tasks (state, name, event types).
"""
import json
import os
import socket
import sys
import time

from celery import Celery

broker, stop_file = sys.argv[1], sys.argv[2]
app = Celery('event_state', broker=broker)
state = app.events.State()
types = {}
alive_seen = set()


def on_event(event):
    state.event(event)
    host = event.get('hostname')
    if host in state.workers and state.workers[host].alive:
        alive_seen.add(host)
    key = event.get('uuid') or event.get('hostname')
    types.setdefault(key, []).append(event['type'])
    sys.stdout.write('EV %s %s\n' % (event['type'], key))
    sys.stdout.flush()


deadline = time.time() + 120
with app.connection() as conn:
    recv = app.events.Receiver(conn, handlers={'*': on_event})
    ready = False
    while time.time() < deadline and not os.path.exists(stop_file):
        try:
            recv.capture(limit=None, timeout=0.5, wakeup=False)
        except (socket.timeout, TimeoutError):
            pass
        if not ready:  # the consumer is declared once capture has returned
            ready = True
            sys.stdout.write('READY\n')
            sys.stdout.flush()

out = {
    'workers': {name: {'alive': w.alive, 'alive_seen': name in alive_seen, 'types': types.get(name, []), 'processed': w.processed}
                for name, w in state.workers.items()},
    'tasks': {uuid: {'state': t.state, 'name': t.name, 'result': t.result, 'exception': t.exception,
                     'types': types.get(uuid, [])}
              for uuid, t in state.tasks.items()},
}
sys.stdout.write('\n@@OUT@@' + json.dumps(out, default=str) + '\n')
