// The task queue benchmark's peer (bench/run, part 6): BullMQ on the same Redis as the service,
// a Node producer and a worker of concurrency 8, doing what bench.tasks.TaskCycle does through the
// service: enqueue -> claim -> complete for N tasks, one at a time and in batches; the delay from a
// producer's send to the worker's receipt while the worker waits for work; and Redis memory per
// waiting and per finished job. BullMQ keeps finished jobs by default: the run keeps its defaults.
//
// node cycle.mjs --redis-port=6379 --tasks=20000 --concurrency=8 --out=bullmq.json
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { writeFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).map(a => a.replace(/^--/, '').split('=')));
const port = Number(args['redis-port']);
const tasks = Number(args.tasks ?? 20000);
const concurrency = Number(args.concurrency ?? 8);
const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const admin = new IORedis(connection);
const run = Date.now();

async function usedMemory() {
  const info = await admin.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

/** What Redis spent so far: CPU seconds (user and system) and script calls, to split a cycle's cost. */
async function redisLoad() {
  const cpu = await admin.info('cpu');
  const stats = await admin.info('commandstats');
  let cpuSeconds = 0;
  for (const m of cpu.matchAll(/used_cpu_(?:user|sys):([0-9.]+)/g)) cpuSeconds += Number(m[1]);
  let scriptCalls = 0;
  for (const m of stats.matchAll(/cmdstat_(?:evalsha|eval|fcall):calls=(\d+)/g)) scriptCalls += Number(m[1]);
  return { cpuSeconds, scriptCalls };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** N tasks through a fresh queue: the producer adds (one per call, `inFlight` at once, or `batch` per addBulk). */
async function cycle(name, batch, count = tasks) {
  const queue = new Queue(name, { connection });
  let done = 0;
  let finished;
  const all = new Promise(resolve => { finished = resolve; });
  const worker = new Worker(name, async () => 'ok', { connection, concurrency });
  worker.on('completed', () => { if (++done === count) finished(); });
  await worker.waitUntilReady();
  const before = await redisLoad();
  const started = process.hrtime.bigint();
  if (batch > 1) {
    for (let i = 0; i < count; i += batch) {
      const jobs = [];
      for (let j = i; j < Math.min(count, i + batch); j++) {
        jobs.push({ name: 'cycle', data: { n: j } });
      }
      await queue.addBulk(jobs);
    }
  } else {
    let next = 0;
    const producers = Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        await queue.add('cycle', { n });
      }
    });
    await Promise.all(producers);
  }
  await all;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = await redisLoad();
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { tasks: count, seconds, tasksPerSecond: count / seconds,
    redisCpuMicrosPerTask: (after.cpuSeconds - before.cpuSeconds) * 1e6 / count,
    scriptCallsPerTask: (after.scriptCalls - before.scriptCalls) / count };
}

/** One job every `intervalMs` while the worker waits: the delay from the producer's send to the worker's receipt. */
async function claimLatency(name, count, intervalMs) {
  const queue = new Queue(name, { connection });
  const delays = [];
  let finished;
  const all = new Promise(resolve => { finished = resolve; });
  const worker = new Worker(name, async job => {
    delays.push(Number(process.hrtime.bigint() - BigInt(job.data.sent)) / 1e6);
    if (delays.length === count) finished();
    return 'ok';
  }, { connection, concurrency });
  await worker.waitUntilReady();
  for (let i = 0; i < count; i++) {
    await queue.add('latency', { sent: process.hrtime.bigint().toString() });
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
  await all;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  delays.sort((a, b) => a - b);
  return { count, p50Ms: percentile(delays, 0.5), p99Ms: percentile(delays, 0.99), maxMs: delays[delays.length - 1] };
}

/** Redis memory per waiting job, then per finished job (kept, as BullMQ's default is), over `count` jobs. */
async function memory(name, count) {
  const queue = new Queue(name, { connection });
  const before = await usedMemory();
  for (let i = 0; i < count; i += 100) {
    await queue.addBulk(Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ name: 'memory', data: { n: i + j } })));
  }
  const waiting = await usedMemory();
  let done = 0;
  let finished;
  const all = new Promise(resolve => { finished = resolve; });
  const worker = new Worker(name, async () => 'ok', { connection, concurrency });
  worker.on('completed', () => { if (++done === count) finished(); });
  await all;
  await worker.close();
  const after = await usedMemory();
  await queue.obliterate({ force: true });
  await queue.close();
  return { count, perWaitingBytes: (waiting - before) / count, perFinishedBytes: (after - before) / count };
}

const out = { peer: 'bullmq', version: JSON.parse(await (await import('node:fs/promises'))
  .readFile(new URL('./node_modules/bullmq/package.json', import.meta.url))).version, concurrency };
// Warmed up as the service is (its JIT compiles under the first load; so does V8's), not measured.
const warmup = Number(args['warmup-tasks'] ?? 3000);
if (warmup > 0) {
  await cycle(`warmup-one-${run}`, 1, warmup);
  await cycle(`warmup-bulk-${run}`, 100, warmup);
  out.warmupTasks = warmup;
}
out.unbatched = await cycle(`cycle-one-${run}`, 1);
console.log('bullmq unbatched', JSON.stringify(out.unbatched));
out.batched = await cycle(`cycle-bulk-${run}`, 100);
console.log('bullmq batched (addBulk of 100)', JSON.stringify(out.batched));
out.claimLatency = await claimLatency(`latency-${run}`, Number(args['latency-count'] ?? 500), Number(args['latency-interval-ms'] ?? 5));
console.log('bullmq claim latency', JSON.stringify(out.claimLatency));
out.memory = await memory(`memory-${run}`, Number(args['memory-count'] ?? 5000));
console.log('bullmq memory', JSON.stringify(out.memory));
writeFileSync(args.out, JSON.stringify(out, null, 2));
await admin.quit();
