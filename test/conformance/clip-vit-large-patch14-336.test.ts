// openai/clip-vit-large-patch14-336 (a full CLIPModel config of transformers 4.21, float32
// pytorch_model.bin with the text tower and position_ids buffers) through the commands that take a tower
// alone; the other matrices use it as the tower of their LLaVAs.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadClipVision } from "../../src/models/load.ts";
import { lntuneOk } from "./cli.ts";
import { CLIP_FOLDER, roundBf16 } from "./matrix.ts";
import { filesOf, materialize, readReplica } from "./replica.ts";

const REPO = "openai/clip-vit-large-patch14-336";
let tmp: string;
let dir: string;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "lntune-conformance-"));
  dir = materialize(CLIP_FOLDER, tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const weights = (d: string) =>
  new Map(
    loadClipVision(d)
      .namedParameters()
      .map(([n, p]) => [n, { values: p.toFloat32(), dtype: p.dtype }]),
  );

test(`${REPO} × inspect`, async () => {
  const d = JSON.parse((await lntuneOk("inspect", dir, "--json")).stdout);
  const expected = readReplica(CLIP_FOLDER).expected;
  assert.deepEqual([d.kind, d.family, d.layout], ["vision", "clip_vision_model", "clip"]);
  assert.deepEqual(d.parameters, expected.parameters);
  assert.deepEqual(d.dtypes, expected.dtypes);
  assert.deepEqual(
    [d.vision.layers, d.vision.hiddenSize, d.vision.imageSize, d.vision.patchSize],
    [2, 8, 28, 14],
  );
  assert.equal(d.checkpoints[0].unplaced.count, 0);
});

test(`${REPO} × convert`, async () => {
  const out = join(tmp, "converted");
  await lntuneOk("convert", dir, out);
  assert.ok(!filesOf(out).some((f) => f.endsWith(".bin")), filesOf(out).join(", "));
  const original = weights(dir);
  const converted = weights(out);
  assert.deepEqual([...converted.keys()].sort(), [...original.keys()].sort());
  for (const [name, w] of original) {
    assert.deepEqual(converted.get(name)!.values, w.values, name);
    assert.equal(converted.get(name)!.dtype, "f32", name);
  }
});

test(`${REPO} × convert --dtype bf16`, async () => {
  const out = join(tmp, "converted-bf16");
  await lntuneOk("convert", dir, out, "--dtype", "bf16");
  const converted = weights(out);
  for (const [name, w] of weights(dir)) {
    assert.deepEqual(converted.get(name)!.values, roundBf16(w.values), name);
    assert.equal(converted.get(name)!.dtype, "bf16", name);
  }
});
