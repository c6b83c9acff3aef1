// Runs `load` on upcoming items while the consumer works on the current one. Loads overlap each other too:
// sharp decodes on libuv's thread pool, so up to `depth` batches of images decode concurrently.
export async function* prefetch<I, T>(
  items: Iterable<I>,
  load: (item: I) => Promise<T>,
  depth = 2,
): AsyncGenerator<T> {
  if (!(depth >= 1)) throw new Error("prefetch depth must be at least 1");
  const iterator = items[Symbol.iterator]();
  const pending: Promise<T>[] = [];
  const fill = () => {
    while (pending.length < depth) {
      const next = iterator.next();
      if (next.done) return;
      const promise = load(next.value);
      // Rejections surface when awaited in order; this only silences the unhandled-rejection warning meanwhile.
      promise.catch(() => {});
      pending.push(promise);
    }
  };
  fill();
  while (pending.length > 0) {
    const value = await (pending.shift() as Promise<T>);
    // Refill once the current load is done, so at most `depth` loads run at any time.
    fill();
    yield value;
  }
}
