// BullMQ side of bench/run: the same tasks and workloads as dev.apium.bench.BenchClient.
// usage: node bench.mjs PORT worker CONCURRENCY
//        node bench.mjs PORT enqueue|enqueue-pipelined|enqueue-bulk|fill|load|rtt|e2e|gray N WARMUP RUNS
//             [START_FILE END_FILE [io URL] | PICTURE_DIR]
// enqueue awaits each add; enqueue-pipelined keeps up to 4,096 adds in flight (Apium's window).
// Prints one JSON line per measured run; the worker prints "ready" once connected.
import { Queue, QueueEvents, Worker } from 'bullmq';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grayscale } from './grayscale.mjs';

const [port, workload, ...rest] = process.argv.slice(2);
const connection = { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null };
const QUEUE = 'bench';
const BATCH = 1000;
const FORGET = { removeOnComplete: true, removeOnFail: true };
const WINDOW = 4096; // Apium's pipelined sends in flight at most (PipelinedWrites' window)

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
        case 'bench.io': {
          // The I/O-bound task: one GET on bench/run's slow local server (keep-alive, undici's pool).
          const res = await fetch(job.data.url);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error('GET ' + job.data.url + ' answered ' + res.status);
          return null;
        }
        case 'images.grayscale': return grayscale(job.data);
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

async function sendNoops(queue, n, mode, url) {
  if (mode === 'wait') {
    for (let i = 0; i < n; i++) await queue.add('bench.noop', {}, FORGET);
    return;
  }
  if (mode === 'pipelined') {
    // Adds one by one, not awaited each: at most WINDOW in flight, then wait for the oldest.
    const pending = new Array(n);
    let oldest = 0;
    for (let i = 0; i < n; i++) {
      if (i - oldest >= WINDOW) await pending[oldest++];
      pending[i] = queue.add('bench.noop', {}, FORGET);
    }
    await Promise.all(pending.slice(oldest));
    return;
  }
  const job = url === undefined
    ? { name: 'bench.noop', data: {}, opts: FORGET }
    : { name: 'bench.io', data: { url }, opts: FORGET };
  for (let sent = 0; sent < n; sent += BATCH) {
    const k = Math.min(BATCH, n - sent);
    await queue.addBulk(Array.from({ length: k }, () => job));
  }
}

function pictures(dir) {
  const names = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  if (names.length === 0) throw new Error('no .png in ' + dir + ': make them with apium demo --inputs-only');
  return names.map((name) => ({ name, data: readFileSync(join(dir, name)).toString('base64') }));
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
  const grayAll = async (pics, k) => {
    const jobs = [];
    for (let i = 0; i < k; i++) jobs.push(await queue.add('images.grayscale', pics[i % pics.length]));
    const values = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 120000)));
    if (values.some((v) => !v || !v.data)) throw new Error('images.grayscale returned no picture');
  };
  if (workload === 'enqueue' || workload === 'enqueue-pipelined' || workload === 'enqueue-bulk') {
    const mode = { enqueue: 'wait', 'enqueue-pipelined': 'pipelined', 'enqueue-bulk': 'bulk' }[workload];
    await sendNoops(queue, warmup, mode);
    await purge(queue);
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await sendNoops(queue, n, mode);
      const ms = performance.now() - start;
      await purge(queue);
      rate(n, ms);
    }
  } else if (workload === 'fill') {
    const url = files[2] === 'io' ? files[3] : undefined;
    await purge(queue);
    // A mark half-way through the warm-up (to <start>.half), as every system's fill does: the
    // start mark then meets code that has run the probe once (V8 would deoptimize there).
    await sendNoops(queue, Math.floor(warmup / 2), 'bulk', url);
    await queue.add('bench.mark', { path: files[0] + '.half' }, FORGET);
    await sendNoops(queue, warmup - Math.floor(warmup / 2), 'bulk', url);
    await queue.add('bench.mark', { path: files[0] }, FORGET);
    await sendNoops(queue, n, 'bulk', url);
    await queue.add('bench.mark', { path: files[1] }, FORGET);
    console.log(JSON.stringify({ queued: await queue.getWaitingCount() }));
  } else if (workload === 'load') {
    await purge(queue);
    await sendNoops(queue, n, 'bulk');
    console.log(JSON.stringify({ queued: await queue.getWaitingCount() }));
  } else if (workload === 'gray') {
    const pics = pictures(files[0]);
    await grayAll(pics, warmup);
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await grayAll(pics, n);
      rate(n, performance.now() - start);
    }
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
