// Preloaded into `renueva serve` by the benchmarks: event-loop delay and RSS, reported on
// stderr as one JSON line when asked (SIGUSR2) and at exit.
// - SIGWINCH starts a measured run; SIGUSR2 reports the interval since the previous report
//   (or the run's start), then starts a new interval; the report also holds the whole run
//   so far, so a run's figures are never a guess from its parts.
// - A delay is how late the sampling timer fired: node's histogram records the whole
//   interval between two firings (an idle process shows 10 ms at a 10 ms resolution), so
//   the resolution is taken off.
const { monitorEventLoopDelay } = require('node:perf_hooks');
const RESOLUTION_MS = 10;
const watch = () => {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  return { h, peakRss: process.memoryUsage.rss(), atPeak: process.memoryUsage() };
};
let interval = watch();
let run = watch();
const idleRss = process.memoryUsage.rss();
setInterval(() => {
  const rss = process.memoryUsage.rss();
  for (const w of [interval, run]) {
    if (rss > w.peakRss) {
      w.peakRss = rss;
      w.atPeak = process.memoryUsage();
    }
  }
}, 20).unref();
const mib = (n) => n / 2 ** 20;
const late = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
const figures = ({ h, peakRss, atPeak }) => ({
  p99DelayMs: late(h.percentile(99)),
  maxDelayMs: late(h.max),
  samples: h.count,
  peakRssMiB: mib(Math.max(peakRss, process.memoryUsage.rss())),
  atPeakMiB: {
    heapTotal: Math.round(mib(atPeak.heapTotal)),
    heapUsed: Math.round(mib(atPeak.heapUsed)),
    external: Math.round(mib(atPeak.external)),
    arrayBuffers: Math.round(mib(atPeak.arrayBuffers)),
  },
});
const report = () =>
  process.stderr.write(
    `PROBE ${JSON.stringify({
      ...figures(interval),
      rssMiB: mib(process.memoryUsage.rss()),
      startRssMiB: mib(idleRss),
      run: figures(run),
    })}\n`,
  );
const restart = (w) => {
  w.h.disable();
  return watch();
};
process.on('SIGWINCH', () => {
  interval = restart(interval);
  run = restart(run);
});
process.on('SIGUSR2', () => {
  report();
  interval = restart(interval);
});
process.on('exit', report);
