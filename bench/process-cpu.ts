/**
 * CPU a process of this machine has used, from /proc (Linux): what the benchmarks read of the
 * server, the workers, run processes and PostgreSQL's backends, whatever else the machine did.
 */
import { readFileSync } from "node:fs";

/** CPU ms (user + system) process `pid` used so far: utime and stime of /proc/PID/stat (fields 14 and 15, 10 ms ticks). Throws once it is gone. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
