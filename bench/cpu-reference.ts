/**
 * How fast this machine's CPU is at the moment of a measurement: the median time of a fixed,
 * single-threaded computation (naive fibo(32), seven times) in the benchmark's own process. The
 * sandbox's host varies from session to session (fibo(33) took 21.5 ms on one and ~75 ms on
 * another), so every throughput figure in bench/RESULTS.md is read beside this one.
 */
function fibo(n: number): number {
  return n < 2 ? n : fibo(n - 1) + fibo(n - 2);
}

/** Median ms of fibo(32) over seven runs on this thread (lower is a faster machine). */
export function cpuReferenceMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    fibo(32);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Number((times[3] ?? 0).toFixed(1));
}
