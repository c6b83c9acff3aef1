// The conformance matrix of a vision-tower replica (a full CLIP or SigLIP model as published): the
// commands that take a tower alone. The LLM matrices join these towers with an LLM.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadVisionTower } from "../../src/models/load.ts";
import { lntuneOk } from "./cli.ts";
import { roundBf16 } from "./matrix.ts";
import { filesOf, materialize, readConfig, readReplica } from "./replica.ts";

export interface TowerSpec {
  /** The published repository, as the test names show it. */
  repo: string;
  /** Its folder under test/fixtures/replicas. */
  folder: string;
  /** The family (vision config model_type) and layout `lntune inspect` should report. */
  family: string;
  layout: string;
  /** The dtype the replica stores. */
  dtype: string;
}

const weights = (d: string) =>
  new Map(
    loadVisionTower(d)
      .namedParameters()
      .map(([n, p]) => [n, { values: p.readF32(), dtype: p.dtype }]),
  );

export function towerMatrix(spec: TowerSpec): void {
  const { repo, folder } = spec;
  let tmp: string;
  let dir: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "lntune-conformance-"));
    dir = materialize(folder, tmp);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test(`${repo} × inspect`, async () => {
    const d = JSON.parse((await lntuneOk("inspect", dir, "--json")).stdout);
    const expected = readReplica(folder).expected;
    assert.deepEqual([d.kind, d.family, d.layout], ["vision", spec.family, spec.layout]);
    assert.deepEqual(d.parameters, expected.parameters);
    assert.deepEqual(d.dtypes, expected.dtypes);
    const v = readConfig(dir).vision_config as Record<string, number>;
    assert.deepEqual(
      [d.vision.layers, d.vision.hiddenSize, d.vision.imageSize, d.vision.patchSize],
      [v.num_hidden_layers, v.hidden_size, v.image_size, v.patch_size],
    );
    assert.equal(d.checkpoints[0].unplaced.count, 0);
  });

  test(`${repo} × convert`, async () => {
    const out = join(tmp, "converted");
    await lntuneOk("convert", dir, out);
    assert.ok(!filesOf(out).some((f) => f.endsWith(".bin")), filesOf(out).join(", "));
    const original = weights(dir);
    const converted = weights(out);
    assert.deepEqual([...converted.keys()].sort(), [...original.keys()].sort());
    for (const [name, w] of original) {
      assert.deepEqual(converted.get(name)!.values, w.values, name);
      assert.equal(converted.get(name)!.dtype, spec.dtype, name);
    }
  });

  test(`${repo} × convert --dtype bf16`, async () => {
    const out = join(tmp, "converted-bf16");
    await lntuneOk("convert", dir, out, "--dtype", "bf16");
    const converted = weights(out);
    for (const [name, w] of weights(dir)) {
      assert.deepEqual(converted.get(name)!.values, roundBf16(w.values), name);
      assert.equal(converted.get(name)!.dtype, "bf16", name);
    }
  });
}
