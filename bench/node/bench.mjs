// BullMQ side of bench/run: the same tasks and workloads as dev.apium.bench.BenchClient.
// usage: node bench.mjs PORT worker CONCURRENCY
//        node bench.mjs PORT enqueue|enqueue-bulk|fill|rtt|e2e N WARMUP RUNS [START_FILE END_FILE]
// Prints one JSON line per measured run; the worker prints "ready" once connected.
import { Queue, QueueEvents, Worker } from 'bullmq';
import { renameSync, writeFileSync } from 'node:fs';

const [port, workload, ...rest] = process.argv.slice(2);
const connection = { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null };
const QUEUE = 'bench';
const BATCH = 1000;
const FORGET = { removeOnComplete: true, removeOnFail: true };

function mark(path) {
  writeFileSync(path + '.tmp', String(Date.now() / 1000));
  renameSync(path + '.tmp', path);
}

async function runWorker(concurrency) {
  const worker = new Worker(
    QUEUE,
    async (job) => {
      switch (job.name) {
        case 'bench.noop': return null;
        case 'bench.add': return job.data.a + job.data.b;
        case 'bench.mark': mark(job.data.path); return null;
        default: throw new Error('unknown task ' + job.name);
      }
    },
    { connection, concurrency: Number(concurrency) },
  );
  await worker.waitUntilReady();
  console.log('ready');
  const stop = async () => { await worker.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function sendNoops(queue, n, bulk) {
  if (!bulk) {
    for (let i = 0; i < n; i++) await queue.add('bench.noop', {}, FORGET);
    return;
  }
  for (let sent = 0; sent < n; sent += BATCH) {
    const k = Math.min(BATCH, n - sent);
    await queue.addBulk(Array.from({ length: k }, () => ({ name: 'bench.noop', data: {}, opts: FORGET })));
  }
}

const purge = (queue) => queue.obliterate({ force: true });
const rate = (n, ms) => console.log(JSON.stringify({ rate: n / (ms / 1000) }));

async function client(n, warmup, runs, files) {
  const queue = new Queue(QUEUE, { connection });
  const events = new QueueEvents(QUEUE, { connection });
  await queue.waitUntilReady();
  await events.waitUntilReady();
  const addAndWait = async () => {
    const job = await queue.add('bench.add', { a: 1, b: 2 });
    const value = await job.waitUntilFinished(events, 60000);
    if (value !== 3) throw new Error('add(1,2) returned ' + value);
  };
  const sendAndCollect = async (k) => {
    const jobs = [];
    for (let i = 0; i < k; i++) jobs.push(await queue.add('bench.add', { a: 1, b: 2 }));
    const values = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 60000)));
    if (values.some((v) => v !== 3)) throw new Error('add(1,2) returned a wrong sum');
  };
  if (workload === 'enqueue' || workload === 'enqueue-bulk') {
    const bulk = workload === 'enqueue-bulk';
    await sendNoops(queue, warmup, bulk);
    await purge(queue);
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await sendNoops(queue, n, bulk);
      const ms = performance.now() - start;
      await purge(queue);
      rate(n, ms);
    }
  } else if (workload === 'fill') {
    await purge(queue);
    await sendNoops(queue, warmup, true);
    await queue.add('bench.mark', { path: files[0] }, FORGET);
    await sendNoops(queue, n, true);
    await queue.add('bench.mark', { path: files[1] }, FORGET);
    console.log(JSON.stringify({ queued: await queue.getWaitingCount() }));
  } else if (workload === 'rtt') {
    for (let i = 0; i < warmup; i++) await addAndWait();
    for (let r = 0; r < runs; r++) {
      const lat = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await addAndWait();
        lat.push(performance.now() - start);
      }
      lat.sort((a, b) => a - b);
      const p99 = lat[Math.min(n - 1, Math.ceil(n * 0.99) - 1)];
      console.log(JSON.stringify({ p50_ms: lat[Math.floor(n / 2)], p99_ms: p99 }));
    }
  } else if (workload === 'e2e') {
    await sendAndCollect(warmup);
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await sendAndCollect(n);
      rate(n, performance.now() - start);
    }
  } else {
    throw new Error('unknown workload ' + workload);
  }
  await events.close();
  await queue.close();
}

if (workload === 'worker') {
  await runWorker(rest[0]);
} else {
  await client(Number(rest[0]), Number(rest[1]), Number(rest[2]), rest.slice(3));
  process.exit(0);
}
