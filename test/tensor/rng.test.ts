// The seeded generator: reproducible streams, unbiased integers, shuffles that permute, and a state that
// can be saved and restored.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/tensor/rng.ts";

test("same seed, same stream; integers roughly uniform; shuffle permutes", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 1000 }, () => a.nextU32());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.nextU32()),
  );
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 10000; i++) counts[a.intUnbiased(10)]++;
  assert.ok(
    counts.every((c) => c > 850 && c < 1150),
    String(counts),
  );
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Rng(3).shuffle([...items]);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(
    [...shuffled].sort((x, y) => x - y),
    items,
  );
  assert.deepEqual(new Rng(3).shuffle([...items]), shuffled);
});

test("a restored state continues the same stream", () => {
  const r = new Rng(9);
  r.nextU32();
  const state = r.getState();
  const next = [r.nextU32(), r.nextU32()];
  const s = new Rng(0);
  s.setState(state);
  assert.deepEqual([s.nextU32(), s.nextU32()], next);
});
