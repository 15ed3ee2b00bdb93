/** A TCP port on 127.0.0.1 that nobody listens on right now (for a server a test starts and restarts). */
import { createServer } from "node:net";

/** Ask the OS for a free port, then release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}
