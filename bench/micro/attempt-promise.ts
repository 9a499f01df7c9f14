/**
 * What the http upstream's per-attempt result promise costs (src/upstream/http/attempt.ts: the
 * attempt settles a promise that the retry loop awaits). The same loop twice: an object that
 * makes a promise and resolves it from a callback, awaited; and the loop without that promise
 * (an await and a callback each iteration all the same). The difference is the promise's own
 * cost per attempt, to set against a proxied request's CPU (bench:proxy). CPU time from
 * process.cpuUsage, three rounds. Run: `npx tsc -p tsconfig.json && node
 * dist/bench/micro/attempt-promise.js`.
 */
const N = Number(process.env['BENCH_ITERATIONS'] ?? 1_000_000);

class Settles {
  resolve!: (value: number) => void;
  readonly result = new Promise<number>((resolve) => (this.resolve = resolve));
}

async function withPromise(): Promise<void> {
  for (let i = 0; i < N; i++) {
    const attempt = new Settles();
    queueMicrotask(() => attempt.resolve(i));
    await attempt.result;
  }
}

async function without(): Promise<void> {
  for (let i = 0; i < N; i++) {
    queueMicrotask(() => {});
    await null;
  }
}

for (let round = 0; round < 3; round++) {
  const ns: number[] = [];
  for (const fn of [withPromise, without]) {
    const before = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(before);
    ns.push(((used.user + used.system) * 1000) / N);
  }
  const [a, b] = ns as [number, number];
  console.log(`with the promise ${a.toFixed(0)} ns, without ${b.toFixed(0)} ns per attempt: the promise costs ${(a - b).toFixed(0)} ns`);
}
