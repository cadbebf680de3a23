"""Aggregates bench/run's raw figures: median (min-max) per system, Apium's ratio to each peer,
the targets of issue 8; prints the table, writes the JSON and, for a full run, the results
section of docs/benchmarks.md (between the results markers)."""
import argparse
import json
import statistics
import sys
from datetime import datetime, timezone

# metric, label, unit, higher is better
METRICS = [
    ("enqueue", "enqueue, one by one", "tasks/s", True),
    ("enqueue_bulk", "enqueue, bulk", "tasks/s", True),
    ("drain", "drain (ignore_result)", "tasks/s", True),
    ("rtt_p50", "round trip p50", "ms", False),
    ("rtt_p99", "round trip p99", "ms", False),
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
    if unit == "tasks/s" or x >= 1000:
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
    at_least("Redis enqueue one by one", m("apium", "redis", "enqueue"), 30000, "≥ 30k/s")
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


def markdown(facts, s, when):
    lines = []
    mode = "quick" if facts.get("quick") else "full (median of 3, min–max in brackets)"
    lines.append(f"Run {when} UTC, {mode}. Machine: {facts['cores']} cores ({facts['cpu']}), "
                 f"kernel {facts['kernel']}, JDK {facts['jdk']}, Redis {facts['redis']}, "
                 f"RabbitMQ {facts['rabbitmq']}, Celery {facts['celery']} (Python {facts['python']}), "
                 f"BullMQ {facts['bullmq']} (Node {facts['node']}); load average at start "
                 f"{' '.join(facts['loadavg_at_start'])}.")
    lines.append("")
    head = ["figure"] + [f"{NAMES[a]} {NAMES[b]}" for a, b in COLUMNS] + [r[2] for r in RATIOS]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|")
    for metric, label, unit, higher in METRICS:
        row = [f"{label} ({unit})"]
        row += [cell(s.get((a, b, metric)), unit) for a, b in COLUMNS]
        row += [ratio(s.get((*x, metric)), s.get((*y, metric)), higher) for x, y, _ in RATIOS]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Ratios: how many times better Apium is (higher is better for rates, lower for "
                 "latency, memory and CPU; > 1× means Apium wins).")
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
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--docs")
    args = ap.parse_args()
    facts = json.load(open(args.facts))
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
