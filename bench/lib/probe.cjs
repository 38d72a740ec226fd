// Preloaded into `renueva serve` by the benchmarks: event-loop delay and RSS, reported
// on stderr as one JSON line when asked (SIGUSR2, which resets the histogram) and at exit.
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
let peakRss = process.memoryUsage.rss();
const idleRss = peakRss;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20).unref();
const report = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  process.stderr.write(
    `PROBE ${JSON.stringify({ p99DelayMs: h.percentile(99) / 1e6, maxDelayMs: h.max / 1e6, rssMiB: process.memoryUsage.rss() / 2 ** 20, peakRssMiB: peakRss / 2 ** 20, startRssMiB: idleRss / 2 ** 20 })}\n`,
  );
};
process.on('SIGUSR2', () => {
  report();
  h.reset();
  peakRss = process.memoryUsage.rss();
});
process.on('exit', report);
