// Preloaded into `renueva serve` by the benchmarks: event-loop delay and RSS, reported
// on stderr as one JSON line when asked (SIGUSR2, which resets the histogram) and at exit.
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
let peakRss = process.memoryUsage.rss();
const idleRss = peakRss;
// what the RSS is made of at its peak: V8's heap, and memory outside it (Buffers, native)
let atPeak = process.memoryUsage();
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) {
    peakRss = rss;
    atPeak = process.memoryUsage();
  }
}, 20).unref();
const mib = (n) => Math.round(n / 2 ** 20);
const report = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  process.stderr.write(
    `PROBE ${JSON.stringify({ p99DelayMs: h.percentile(99) / 1e6, maxDelayMs: h.max / 1e6, rssMiB: process.memoryUsage.rss() / 2 ** 20, peakRssMiB: peakRss / 2 ** 20, startRssMiB: idleRss / 2 ** 20, atPeakMiB: { heapTotal: mib(atPeak.heapTotal), heapUsed: mib(atPeak.heapUsed), external: mib(atPeak.external), arrayBuffers: mib(atPeak.arrayBuffers) } })}\n`,
  );
};
process.on('SIGUSR2', () => {
  report();
  h.reset();
  peakRss = process.memoryUsage.rss();
  atPeak = process.memoryUsage();
});
process.on('exit', report);
