/** A tiny FIFO for async calls that must not overlap. */
/** Run calls one after another (one connection runs one query at a time). */
export function createSerialQueue(): <T>(fn: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => {});
    return result;
  };
}
