import assert from "node:assert/strict";
import { test } from "node:test";
import { makeBatches } from "../../src/data/batching.ts";
import { collate } from "../../src/data/collate.ts";
import { IGNORE_INDEX, IMAGE_TOKEN_INDEX } from "../../src/data/constants.ts";
import { prefetch } from "../../src/data/prefetch.ts";
import type { TokenizedSample } from "../../src/data/tokenized_sample.ts";
import { expandedLength, expandLabels, truncateSample } from "../../src/data/truncation.ts";

const sample = (inputIds: number[], labels: number[]): TokenizedSample => ({
  inputIds,
  labels,
  numImages: inputIds.filter((i) => i === IMAGE_TOKEN_INDEX).length,
  mismatch: false,
});

test("batches cover every sample once, per epoch order is seeded", () => {
  const batches = makeBatches(23, { batchSize: 4, seed: 1 });
  assert.deepEqual(
    batches.flat().sort((x, y) => x - y),
    Array.from({ length: 23 }, (_, i) => i),
  );
  assert.deepEqual(batches, makeBatches(23, { batchSize: 4, seed: 1 }));
  assert.notDeepEqual(batches, makeBatches(23, { batchSize: 4, seed: 1 }, 1));
  assert.ok(makeBatches(23, { batchSize: 4, seed: 1, dropLast: true }).every((b) => b.length === 4));
});

test("group by length puts similar lengths together", () => {
  const lengths = Array.from({ length: 64 }, (_, i) => (i * 37) % 64);
  const batches = makeBatches(64, { batchSize: 8, seed: 3, lengths, groupByLength: true });
  assert.equal(batches.flat().length, 64);
  for (const b of batches) {
    const ls = b.map((i) => lengths[i]);
    assert.ok(Math.max(...ls) - Math.min(...ls) < 8, String(ls));
  }
});

test("collate right-pads and mixes text-only with image samples", () => {
  const image = new Float32Array(3 * 2 * 2).fill(0.5);
  const batch = collate(
    [
      {
        sample: sample([1, IMAGE_TOKEN_INDEX, 5, 6], [IGNORE_INDEX, IGNORE_INDEX, 5, 6]),
        pixelValues: image,
      },
      { sample: sample([1, 7], [IGNORE_INDEX, 7]), pixelValues: null },
    ],
    0,
  );
  assert.equal(batch.seqLen, 4);
  assert.deepEqual([...batch.inputIds], [1, -200, 5, 6, 1, 7, 0, 0]);
  assert.deepEqual([...batch.labels], [-100, -100, 5, 6, -100, 7, -100, -100]);
  assert.deepEqual([...batch.attentionMask], [1, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual(batch.hasImage, [true, false]);
  assert.deepEqual([...(batch.pixelValues ?? [])], [...image, ...new Float32Array(12)]);
  assert.equal(collate([{ sample: sample([1, 2, 3], [1, 2, 3]), pixelValues: null }], 0, 2).seqLen, 2);
});

test("truncation before and after image expansion", () => {
  const s = sample([1, 9, IMAGE_TOKEN_INDEX, 5, 6], [IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, 5, 6]);
  assert.equal(expandedLength(s.inputIds, 576), 5 + 575);
  const cut = truncateSample(s, 2);
  assert.deepEqual(cut.inputIds, [1, 9]);
  assert.equal(cut.numImages, 0);
  assert.equal(truncateSample(s, 10), s);
  const labels = expandLabels(s.labels, s.inputIds, 3);
  assert.deepEqual(labels, [-100, -100, -100, -100, -100, 5, 6]);
  assert.deepEqual(expandLabels(s.labels, s.inputIds, 3, 6), [-100, -100, -100, -100, -100, 5]);
});

test("prefetch keeps loads in flight and yields in order", async () => {
  let inFlight = 0;
  let peak = 0;
  const load = async (i: number) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 5 * (4 - (i % 4))));
    inFlight--;
    return i * 10;
  };
  const out = [];
  for await (const v of prefetch([0, 1, 2, 3, 4, 5], load, 3)) out.push(v);
  assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
  assert.equal(peak, 3);
  const failing = prefetch([1], async () => {
    throw new Error("boom");
  });
  await assert.rejects(failing.next(), /boom/);
});
