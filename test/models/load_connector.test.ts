// Loading a stage-1 connector into a LLaVA's projector: LLaVA's own mm_projector.bin (written here by
// torch 1.13's torch.save the way LLaVA's pretraining saves it, tools/make_torch_fixtures.py) for an
// mlp2x_gelu and a linear projector, the same weights as safetensors, and every mismatch named in one error,
// also through `lntune pretrain --connector`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { openTorchFile } from "../../src/io/torch/torch_file.ts";
import { loadConnector, loadLlava } from "../../src/models/load.ts";
import { scratchDir } from "../io/helpers.ts";
import { EXPECTED, TORCH_FIXTURES } from "../io/torch_helpers.ts";
import { FIXTURES } from "./fixture.ts";

const dir = scratchDir();
const projector = (f: string) => join(TORCH_FIXTURES, f);

/** torch's saved bytes of LLaVA name `disk` against the model's projector parameter `param`. */
function assertLoaded(model: ReturnType<typeof loadLlava>, file: string, pairs: Array<[string, string]>) {
  const params = new Map(model.projector.namedParameters());
  for (const [disk, param] of pairs) {
    const p = params.get(param)!;
    const want = EXPECTED[file][disk];
    assert.deepEqual(p.shape, want.shape, param);
    const raw = p.readStored();
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("hex");
    assert.equal(bytes, want.hex, `${param} holds ${disk} as torch saved it`);
  }
}

test("LLaVA's mm_projector.bin (mlp2x_gelu, bf16) loads into the projector with torch's values, still bf16", () => {
  const model = loadLlava(join(FIXTURES, "llava_hf"));
  loadConnector(model, projector("mm_projector.bin"));
  assert.equal(model.projector.linear_1.weight.dtype, "bf16");
  assertLoaded(model, "mm_projector.bin", [
    ["model.mm_projector.0.weight", "linear_1.weight"],
    ["model.mm_projector.0.bias", "linear_1.bias"],
    ["model.mm_projector.2.weight", "linear_2.weight"],
    ["model.mm_projector.2.bias", "linear_2.bias"],
  ]);
});

test("a linear projector's model.mm_projector.weight/bias (f16) loads into an original-layout LLaVA", () => {
  const model = loadLlava(join(FIXTURES, "llava_original"));
  loadConnector(model, projector("mm_projector_linear.bin"));
  assertLoaded(model, "mm_projector_linear.bin", [
    ["model.mm_projector.weight", "linear_1.weight"],
    ["model.mm_projector.bias", "linear_1.bias"],
  ]);
});

test("the same connector as safetensors, with LLaVA or canonical names, loads the same", () => {
  const src = openTorchFile(projector("mm_projector.bin"));
  const tensors = Object.fromEntries(src.names().map((n) => [n, src.read(n)]));
  src.close();
  const file = join(dir, "mm_projector.safetensors");
  writeSafetensors(file, tensors);
  const model = loadLlava(join(FIXTURES, "llava_hf"));
  loadConnector(model, file);
  assertLoaded(model, "mm_projector.bin", [["model.mm_projector.2.weight", "linear_2.weight"]]);
  const w = (n: number) => ({ dtype: "F32" as const, shape: [32], data: new Float32Array(32).fill(n) });
  const canonical = join(dir, "connector.safetensors");
  writeSafetensors(canonical, {
    "projector.linear_1.weight": { dtype: "F32", shape: [32, 32], data: new Float32Array(1024).fill(0.5) },
    "projector.linear_1.bias": w(1),
    "projector.linear_2.weight": { dtype: "F32", shape: [32, 32], data: new Float32Array(1024).fill(2) },
    "projector.linear_2.bias": w(3),
  });
  loadConnector(model, canonical);
  assert.deepEqual([...model.projector.linear_2.bias!.readF32()], new Array(32).fill(3));
});

test("mismatches name the file, the projector type and every tensor: shapes, a foreign projector, other weights", () => {
  const hf = () => loadLlava(join(FIXTURES, "llava_hf"));
  assert.throws(
    () => loadConnector(hf(), projector("mm_projector_wide.bin")),
    new RegExp(
      'mm_projector_wide\\.bin: does not fit the model\'s mlp2x_gelu connector: "model\\.mm_projector\\.0\\.weight" ' +
        "has shape \\[32,48\\] but the model's projector\\.linear_1\\.weight is \\[32,32\\]",
    ),
  );
  assert.throws(
    () => loadConnector(hf(), projector("mm_projector_linear.bin")),
    /mm_projector_linear\.bin: does not fit the model's mlp2x_gelu connector: .*no tensor for projector\.linear_2\.weight; no tensor for projector\.linear_2\.bias/,
  );
  assert.throws(
    () => loadConnector(loadLlava(join(FIXTURES, "llava_original")), projector("mm_projector.bin")),
    /mm_projector\.bin: does not fit the model's linear connector: "model\.mm_projector\.2\.bias" is not in this projector/,
  );
  assert.throws(
    () => loadConnector(hf(), projector("dtypes.bin")),
    /dtypes\.bin: does not fit the model's mlp2x_gelu connector: "bf16" is not a connector weight/,
  );
  assert.throws(() => loadConnector(hf(), projector("malicious.bin")), /"os\.system"/);
});

test("lntune pretrain --connector FILE loads the file before training (a mismatch stops it, naming the file)", () => {
  const data = join(dir, "data.json");
  writeFileSync(data, "[]");
  mkdirSync(join(dir, "images"));
  const r = spawnSync(
    process.execPath,
    [
      join(import.meta.dirname, "..", "..", "bin", "lntune.js"),
      "pretrain",
      "--model",
      join(FIXTURES, "llava_hf"),
      "--connector",
      projector("mm_projector_wide.bin"),
      "--data",
      data,
      "--images",
      join(dir, "images"),
      "--output",
      join(dir, "run"),
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /mm_projector_wide\.bin: does not fit the model's mlp2x_gelu connector/);
});
