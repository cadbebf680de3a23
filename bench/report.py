"""Aggregates bench/run's raw figures: median (min-max) per system, Apium's ratio to each peer
(every ratio from the figures of this one run), the new workloads, the scaling run, the drain with
events and with metrics on, the targets of issues 8 and 22; prints the tables, writes the JSON and,
for a full run, the results section of docs/benchmarks.md (between the results markers)."""
import argparse
import json
import statistics
import sys
from datetime import datetime, timezone

# metric, label, unit, higher is better
METRICS = [
    ("enqueue", "enqueue one by one, each send waited for", "tasks/s", True),
    ("enqueue_pipelined", "enqueue one by one, pipelined", "tasks/s", True),
    ("enqueue_bulk", "enqueue, bulk", "tasks/s", True),
    ("drain", "drain (ignore_result)", "tasks/s", True),
    ("rtt_p50", "round trip p50", "ms", False),
    ("rtt_p99", "round trip p99", "ms", False),
    ("rtt_warm_p50", "round trip p50, warm client", "ms", False),
    ("rtt_warm_p99", "round trip p99, warm client", "ms", False),
    ("e2e", "end to end with results", "tasks/s", True),
    ("idle_rss_mb", "idle worker RSS", "MB", False),
    ("busy_rss_mb", "worker RSS after rtt+e2e", "MB", False),
    ("worker_cpu_s_per_10k", "worker CPU per 10k tasks", "s", False),
    ("broker_cpu_s_per_10k", "broker CPU per 10k tasks", "s", False),
]
COLUMNS = [("apium", "redis"), ("celery", "redis"), ("bullmq", "redis"),
           ("apium", "rabbitmq"), ("celery", "rabbitmq")]
NAMES = {"apium": "Apium", "celery": "Celery", "bullmq": "BullMQ",
         "redis": "Redis", "rabbitmq": "RabbitMQ"}
RATIOS = [(("apium", "redis"), ("celery", "redis"), "Apium/Celery Redis"),
          (("apium", "redis"), ("bullmq", "redis"), "Apium/BullMQ"),
          (("apium", "rabbitmq"), ("celery", "rabbitmq"), "Apium/Celery RabbitMQ")]
# The workloads run on Redis only, for the three systems.
NEW_METRICS = [
    ("io", "I/O-bound: GET with a 50 ms wait", "tasks/s", True),
    ("io_rss_mb", "I/O-bound: worker peak RSS", "MB", False),
    ("gray_1w", "CPU-bound: grayscale, 1 worker process", "pictures/s", True),
    ("gray_2w", "CPU-bound: grayscale, 2 worker processes", "pictures/s", True),
    ("startup_ms", "worker start to first task", "ms", False),
    ("queue_bytes_per_task", "Redis memory per queued no-op task", "bytes", False),
]
NEW_COLUMNS = [("apium", "redis"), ("celery", "redis"), ("bullmq", "redis")]
NEW_RATIOS = [(("apium", "redis"), ("celery", "redis"), "Apium/Celery"),
              (("apium", "redis"), ("bullmq", "redis"), "Apium/BullMQ")]
SCALING = [("scale_1w", 1), ("scale_2w", 2), ("scale_4w", 4)]
OBSERVE = [("drain_events", "task events on (-E)", "issue 16"),
           ("drain_metrics", "metrics on (--metrics-port)", "issue 19")]
CEILINGS = [("redis-benchmark", "redis", "lpush", "redis-benchmark LPUSH (50 clients)"),
            ("redis-benchmark", "redis", "rpop", "redis-benchmark RPOP (50 clients)"),
            ("redis-benchmark", "redis", "lpush_p16", "redis-benchmark LPUSH -P 16"),
            ("redis-benchmark", "redis", "rpop_p16", "redis-benchmark RPOP -P 16"),
            ("perftest", "rabbitmq", "publish", "PerfTest publish"),
            ("perftest", "rabbitmq", "consume", "PerfTest consume (acks)")]


def summarize(raw):
    runs = {}
    for r in raw:
        runs.setdefault((r["system"], r["broker"], r["metric"]), []).append(float(r["value"]))
    return {k: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": v}
            for k, v in runs.items()}


def fmt(x, unit):
    if unit == "bytes":
        return f"{x:.0f}"
    if unit in ("tasks/s", "pictures/s") and x < 100:
        return f"{x:.1f}"
    if unit in ("tasks/s", "pictures/s") or x >= 1000:
        return f"{x / 1000:.1f}k" if x >= 1000 else f"{x:.0f}"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def cell(s, unit):
    if s is None:
        return "n/a"
    if s["min"] == s["max"]:
        return fmt(s["median"], unit)
    return f"{fmt(s['median'], unit)} ({fmt(s['min'], unit)}–{fmt(s['max'], unit)})"


def ratio(a, b, higher):
    if a is None or b is None or a["median"] == 0 or b["median"] == 0:
        return "n/a"
    return f"{(a['median'] / b['median']) if higher else (b['median'] / a['median']):.1f}×"


def paired(s, key, base):
    """Median of the per-run ratios key/base (runs taken side by side), with their range."""
    a, b = s.get(key), s.get(base)
    if a is None or b is None:
        return None
    ratios = [x / y for x, y in zip(a["runs"], b["runs"]) if y]
    if not ratios:
        return None
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios), "runs": ratios}


def targets22(s):
    """Issue 22's done-when, each from this run's figures."""
    def m(sys_, metric):
        v = s.get((sys_, "redis", metric))
        return None if v is None else v["median"]

    rows = []

    def check(label, goal, a, b, ok, text):
        if a is None or b is None:
            rows.append((label, goal, "n/a", "n/a"))
        else:
            rows.append((label, goal, text, "met" if ok else "missed"))

    for metric, label in (("rtt_p50", "round trip p50"), ("rtt_p99", "round trip p99")):
        a, b = m("apium", metric), m("bullmq", metric)
        check(f"Redis {label}", "≤ BullMQ", a, b, a is not None and b is not None and a <= b,
              a is not None and b is not None and f"{a:.2f} vs {b:.2f} ms")
    a, b = m("apium", "drain"), m("bullmq", "drain")
    check("Redis drain", "≥ 2× BullMQ", a, b, a and b and a >= 2 * b, a and b and f"{a / b:.2f}×")
    a, b = m("apium", "idle_rss_mb"), m("bullmq", "idle_rss_mb")
    check("idle worker RSS", "≤ BullMQ", a, b, a and b and a <= b, a and b and f"{a:.0f} vs {b:.0f} MB")
    a, b = m("apium", "e2e"), m("bullmq", "e2e")
    check("Redis end to end", "≥ 3× BullMQ", a, b, a and b and a >= 3 * b, a and b and f"{a / b:.2f}×")
    behind = []
    compared = 0
    figures = [(metric, broker, higher) for metric, _, _, higher in METRICS
               for broker in ("redis", "rabbitmq")]
    figures += [(metric, "redis", higher) for metric, _, _, higher in NEW_METRICS]
    for metric, broker, higher in figures:
        va, vc = s.get(("apium", broker, metric)), s.get(("celery", broker, metric))
        if va is None or vc is None:
            continue
        compared += 1
        if (va["median"] < vc["median"]) if higher else (va["median"] > vc["median"]):
            behind.append(f"{metric} {broker}")
    rows.append(("Apium ahead of Celery", "every figure", f"{compared - len(behind)} of {compared}"
                 + (f" (behind: {', '.join(behind)})" if behind else ""),
                 "n/a" if compared == 0 else ("met" if not behind else "missed")))
    for key, label, issue in OBSERVE:
        fresh = paired(s, ("apium", "redis", key), ("apium", "redis", "drain_plain"))
        warm = paired(s, ("apium", "redis", key + "_warm"), ("apium", "redis", "drain_plain_warm"))
        steady = paired(s, ("apium", "redis", key + "_steady"), ("apium", "redis", "drain_plain_steady"))
        shown = "n/a" if warm is None else f"{100 * warm['median']:.0f}% warm"
        others = [f"{100 * r['median']:.0f}% {name}" for r, name in ((fresh, "fresh"), (steady, "steady"))
                  if r is not None]
        if others:
            shown += f" ({', '.join(others)})"
        both = [r for r in (fresh, warm) if r is not None]
        rows.append((f"drain with {label} ({issue})", "≥ 90% of plain, fresh and warm worker", shown,
                     "n/a" if not both else ("met" if len(both) == 2 and min(r["median"] for r in both) >= 0.9
                                             else "missed")))
    return rows


def targets(s):
    def m(sys_, broker, metric):
        v = s.get((sys_, broker, metric))
        return None if v is None else v["median"]

    rows = []

    def check(label, value, ok, goal):
        rows.append((label, goal, "n/a" if value is None else value,
                     "n/a" if value is None else ("met" if ok else "missed")))

    def at_least(label, v, goal, text):
        check(label, None if v is None else fmt(v, "tasks/s"), v is not None and v >= goal, text)

    at_least("Redis drain", m("apium", "redis", "drain"), 30000, "≥ 30k/s")
    cel, bull, drain = m("celery", "redis", "drain"), m("bullmq", "redis", "drain"), m("apium", "redis", "drain")
    if drain and cel:
        check("Redis drain vs Celery", f"{drain / cel:.1f}×", drain / cel >= 20, "≥ 20×")
    if drain and bull:
        check("Redis drain vs BullMQ", f"{drain / bull:.1f}×", drain / bull >= 2, "≥ 2×")
    at_least("Redis enqueue one by one (pipelined)", m("apium", "redis", "enqueue_pipelined"), 30000, "≥ 30k/s")
    at_least("Redis enqueue bulk", m("apium", "redis", "enqueue_bulk"), 100000, "≥ 100k/s")
    p50, p99 = m("apium", "redis", "rtt_p50"), m("apium", "redis", "rtt_p99")
    check("Redis round trip p50", None if p50 is None else f"{p50:.2f} ms", p50 is not None and p50 <= 0.5, "≤ 0.5 ms")
    check("Redis round trip p99", None if p99 is None else f"{p99:.2f} ms", p99 is not None and p99 <= 2, "≤ 2 ms")
    at_least("Redis end to end", m("apium", "redis", "e2e"), 15000, "≥ 15k/s")
    rd, rc, pt = m("apium", "rabbitmq", "drain"), m("celery", "rabbitmq", "drain"), m("perftest", "rabbitmq", "consume")
    if rd is None:
        check("RabbitMQ drain", None, False, "≥ 10× Celery or ≥ 70% of PerfTest")
    else:
        parts = []
        ok = False
        if rc:
            parts.append(f"{rd / rc:.1f}× Celery")
            ok |= rd / rc >= 10
        if pt:
            parts.append(f"{100 * rd / pt:.0f}% of PerfTest")
            ok |= rd / pt >= 0.7
        check("RabbitMQ drain", f"{fmt(rd, 'tasks/s')} ({', '.join(parts)})", ok, "≥ 10× Celery or ≥ 70% of PerfTest")
    rss = m("apium", "redis", "idle_rss_mb")
    check("Idle worker RSS", None if rss is None else f"{rss:.0f} MB", rss is not None and rss <= 120, "≤ 120 MB")
    return rows


def figure_table(s, first, names, columns, ratios, metrics):
    """Markdown lines of one table: a row per metric, a column per system, then Apium's ratios."""
    head = [first] + names + [r[2] for r in ratios]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|"]
    for metric, label, unit, higher in metrics:
        row = [f"{label} ({unit})"]
        row += [cell(s.get((a, b, metric)), unit) for a, b in columns]
        row += [ratio(s.get((*x, metric)), s.get((*y, metric)), higher) for x, y, _ in ratios]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def markdown(facts, s, when):
    lines = []
    mode = "quick" if facts.get("quick") else "full (median of 3, min–max in brackets)"
    lines.append(f"Run {when} UTC, {mode}. Machine: {facts['cores']} cores ({facts['cpu']}), "
                 f"kernel {facts['kernel']}, JDK {facts['jdk']}, Redis {facts['redis']}, "
                 f"RabbitMQ {facts['rabbitmq']}, Celery {facts['celery']} (Python {facts['python']}), "
                 f"BullMQ {facts['bullmq']} (Node {facts['node']}); load average at start "
                 f"{' '.join(facts['loadavg_at_start'])}, at the end {' '.join(facts.get('loadavg_at_end', ['?']))}"
                 f"; {facts.get('mem_total_mb', '?')} MB RAM.")
    if facts.get("quick"):
        lines.append("")
        lines.append("**Quick run: smoke figures, not a measurement** (one short run each; on a busy "
                     "machine they are noise).")
    lines.append("")
    lines += figure_table(s, "figure", [f"{NAMES[a]} {NAMES[b]}" for a, b in COLUMNS], COLUMNS,
                          RATIOS, METRICS)
    lines.append("")
    lines.append("Ratios: how many times better Apium is (higher is better for rates, lower for "
                 "latency, memory and CPU; > 1× means Apium wins).")
    lines.append("")
    lines.append(f"Round trip: one task at a time, sent and waited for, from a new client process "
                 f"after {facts.get('w_rtt', '?')} warm-up round trips (against a worker started "
                 f"for it); *warm client*: the same from a new client after "
                 f"{facts.get('w_rtt_warm', '?')} warm-up round trips, against that worker once it "
                 f"has served the first row (a long-running service that calls tasks).")
    lines.append("")
    lines.append("Enqueue one by one: *each send waited for* is Apium with `task_publish_sync=true`, "
                 "Celery `delay()`, BullMQ `await queue.add()`; *pipelined* is Apium's default "
                 "send (at most 4,096 in flight) and BullMQ `queue.add()` not awaited one by one, "
                 "at most 4,096 in flight. Celery has no pipelined one-by-one send (n/a).")
    lines.append("")
    if any(s.get((*c, m[0])) for c in NEW_COLUMNS for m in NEW_METRICS):
        lines += figure_table(s, "workload (Redis)", [NAMES[a] for a, _ in NEW_COLUMNS],
                              NEW_COLUMNS, NEW_RATIOS, NEW_METRICS)
        lines.append("")
        lines.append(f"I/O-bound: Apium `--pool virtual -c {facts.get('io_concurrency', '?')}` "
                     f"(JDK {facts.get('jdk_virtual', '?')}), Celery `-P {facts.get('celery_io_pool', '?')} "
                     f"-c {facts.get('io_concurrency', '?')}`, BullMQ concurrency "
                     f"{facts.get('io_concurrency', '?')}. CPU-bound: each worker process runs "
                     f"{facts.get('gray_concurrency', '?')} at once (Apium threads, Celery prefork, "
                     f"BullMQ concurrency); Celery with Pillow {facts.get('pillow', '?')}, BullMQ with "
                     f"pngjs {facts.get('pngjs', '?')} (pure JS, as Apium's javax.imageio is pure Java).")
        lines.append("")
    base = s.get(("apium", "redis", "scale_1w"))
    if base:
        lines.append("| Apium drain, worker processes on one Redis | tasks/s | × one process |")
        lines.append("|---|--:|--:|")
        for metric, k in SCALING:
            v = s.get(("apium", "redis", metric))
            lines.append(f"| {k} | {cell(v, 'tasks/s')} | "
                         f"{'n/a' if v is None else format(v['median'] / base['median'], '.2f') + '×'} |")
        lines.append("")
    for suffix, window in (("", "fresh worker"), ("_warm", "warm worker"),
                           ("_steady", "steady worker (its JIT done)")):
        plain = s.get(("apium", "redis", "drain_plain" + suffix))
        if not plain:
            continue
        lines.append(f"| Apium drain (Redis), {window}, runs side by side | tasks/s | ÷ plain drain of the same run |")
        lines.append("|---|--:|--:|")
        lines.append(f"| plain | {cell(plain, 'tasks/s')} | 1.00 |")
        for key, label, issue in OBSERVE:
            r = paired(s, ("apium", "redis", key + suffix), ("apium", "redis", "drain_plain" + suffix))
            rr = "n/a" if r is None else (f"{r['median']:.2f}" if r["min"] == r["max"]
                                          else f"{r['median']:.2f} ({r['min']:.2f}–{r['max']:.2f})")
            lines.append(f"| {label} ({issue}) | {cell(s.get(('apium', 'redis', key + suffix)), 'tasks/s')} | {rr} |")
        lines.append("")
    lines.append("| broker ceiling | ops/s |")
    lines.append("|---|--:|")
    for sys_, broker, metric, label in CEILINGS:
        lines.append(f"| {label} | {cell(s.get((sys_, broker, metric)), 'tasks/s')} |")
    lines.append("")
    lines.append("| target (issue 8) | goal | measured | |")
    lines.append("|---|---|---|---|")
    for label, goal, value, verdict in targets(s):
        lines.append(f"| {label} | {goal} | {value} | {verdict} |")
    lines.append("")
    lines.append("| target (issue 22) | goal | measured | |")
    lines.append("|---|---|---|---|")
    for label, goal, value, verdict in targets22(s):
        lines.append(f"| {label} | {goal} | {value} | {verdict} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--docs")
    args = ap.parse_args()
    facts = json.load(open(args.facts))
    facts["loadavg_at_end"] = open("/proc/loadavg").read().split()[:3]
    raw = [json.loads(line) for line in open(args.raw) if line.strip()]
    s = summarize(raw)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    table = markdown(facts, s, when)
    print(table)
    out = {"when": when, "facts": facts,
           "results": [{"system": k[0], "broker": k[1], "metric": k[2], **v} for k, v in sorted(s.items())]}
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
    if args.docs:
        start, end = "<!-- results:start -->", "<!-- results:end -->"
        text = open(args.docs).read()
        if start not in text or end not in text:
            sys.exit(f"{args.docs}: results markers missing; add {start} and {end}")
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        open(args.docs, "w").write(before + start + "\n" + table + "\n" + end + after)


if __name__ == "__main__":
    main()
