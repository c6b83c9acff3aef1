// `lntune convert`: torch files and directories to safetensors. The inputs were written by torch 1.13's
// torch.save (tools/make_torch_fixtures.py): the output must hold exactly torch's values, and with --dtype
// exactly what torch's .to(torch.float16 / bfloat16 / float32) gives (casts.json, from the same script).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { FloatDtype } from "../../src/io/cast_dtype.ts";
import { openCheckpoint } from "../../src/io/checkpoint.ts";
import { convertCheckpoint } from "../../src/io/convert_checkpoint.ts";
import { openSafetensors, writeSafetensors } from "../../src/io/safetensors.ts";
import { scratchDir } from "../io/helpers.ts";
import { EXPECTED, hexOf, TORCH_FIXTURES } from "../io/torch_helpers.ts";
import { FIXTURES } from "../models/fixture.ts";

const dir = scratchDir();
const CASTS: Record<string, Record<string, string>> = JSON.parse(
  readFileSync(join(TORCH_FIXTURES, "casts.json"), "utf8"),
);

function lntune(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lntune.js", "convert", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function convert(...args: string[]) {
  const r = lntune(...args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Every tensor of the checkpoint at `a` equals (dtype, shape, bytes) the one of the same name at `b`. */
function assertSameTensors(a: string, b: string) {
  const x = openCheckpoint(a);
  const y = openCheckpoint(b);
  assert.deepEqual(x.names(), y.names());
  for (const n of x.names()) {
    const s = x.read(n);
    const t = y.read(n);
    assert.equal(s.dtype, t.dtype, n);
    assert.deepEqual(s.shape, t.shape, n);
    assert.equal(hexOf(s), hexOf(t), n);
  }
  x.close();
  y.close();
}

test("convert shows its progress on stderr, in MiB of the checkpoint, up to the whole", () => {
  const out = join(dir, "progress.safetensors");
  const r = lntune(join(TORCH_FIXTURES, "dtypes.bin"), out);
  assert.equal(r.code, 0, r.stderr);
  // Not a terminal here: the plain line the progress display prints when the work is complete.
  assert.match(r.stderr, /^convert dtypes\.bin \(MiB\) 1\/1 .*ETA 0s$/m);
});

test("a .bin / .pt file converts to a safetensors file holding torch's values in every dtype", () => {
  const out = join(dir, "dtypes.bin.safetensors");
  // 2×4 f32 + 3 f64 + 3×3 f16 + 5 bf16 + 5 i64 + 3 i32 + 2 i16 + 3 i8 + 3 u8 + 4 bool + a 0-d f32 + an empty one.
  const bytes = 32 + 24 + 18 + 10 + 40 + 12 + 4 + 3 + 3 + 4 + 4 + 0;
  assert.equal(
    convert(join(TORCH_FIXTURES, "dtypes.bin"), out),
    `wrote 12 tensors (${bytes} bytes) to ${out}\n`,
  );
  for (const file of ["dtypes.bin", "views.pt", "state_dict.pth"]) {
    const out = join(dir, `${file}.safetensors`);
    if (file !== "dtypes.bin") convertCheckpoint(join(TORCH_FIXTURES, file), out);
    const st = openSafetensors(out);
    assert.deepEqual(st.metadata, { format: "pt" });
    assert.deepEqual(st.names(), Object.keys(EXPECTED[file]).sort());
    for (const [name, want] of Object.entries(EXPECTED[file])) {
      const t = st.read(name);
      assert.equal(t.dtype, want.dtype, `${file} ${name}`);
      assert.deepEqual(t.shape, want.shape, `${file} ${name}`);
      assert.equal(hexOf(t), want.hex, `${file} ${name}`);
    }
    st.close();
  }
});

test("--dtype f16 / bf16 / f32 rounds every float tensor as torch's .to() does; integer tensors are kept", () => {
  for (const [flag, dtype] of [
    ["f16", "F16"],
    ["bf16", "BF16"],
    ["f32", "F32"],
  ]) {
    const out = join(dir, `rounding.${flag}.safetensors`);
    if (flag === "f16") convert(join(TORCH_FIXTURES, "rounding.pt"), out, "--dtype", flag);
    else convertCheckpoint(join(TORCH_FIXTURES, "rounding.pt"), out, { dtype: dtype as FloatDtype });
    const st = openSafetensors(out);
    for (const name of ["f32", "f16", "bf16", "f64"]) {
      const t = st.read(name);
      assert.equal(t.dtype, dtype, `${name} → ${dtype}`);
      assert.equal(hexOf(t), CASTS[name][dtype], `${name} → ${dtype}: bytes differ from torch's .to()`);
    }
    assert.equal(st.read("i64").dtype, "I64");
    assert.equal(hexOf(st.read("i64")), EXPECTED["rounding.pt"].i64.hex);
    st.close();
  }
});

test("a directory converts to a directory: weights as model.safetensors equal to the source, other files and the tower's folder converted alongside", () => {
  const out = join(dir, "llava");
  const stdout = convert(join(TORCH_FIXTURES, "llava_original_bin"), out);
  assert.match(stdout, /model\.safetensors, clip\/model\.safetensors/);
  assert.deepEqual(readdirSync(out).sort(), ["clip", "config.json", "model.safetensors"]);
  assert.deepEqual(readdirSync(join(out, "clip")).sort(), [
    "config.json",
    "model.safetensors",
    "preprocessor_config.json",
  ]);
  assert.deepEqual(
    readFileSync(join(out, "config.json")),
    readFileSync(join(TORCH_FIXTURES, "llava_original_bin", "config.json")),
  );
  // bin → safetensors equals the safetensors the .bin was made from.
  assertSameTensors(out, join(FIXTURES, "llava_original"));
  assertSameTensors(join(out, "clip"), join(FIXTURES, "llava_original", "clip"));
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes(".tmp-")),
    [],
    "no temporary directory left",
  );
});

test("beside the weights, small files are copied and a folder without a checkpoint (an adapter) goes as it is", () => {
  const input = join(dir, "with_adapter");
  mkdirSync(join(input, "adapter"), { recursive: true });
  copyFileSync(join(TORCH_FIXTURES, "mm_projector.bin"), join(input, "pytorch_model.bin"));
  writeFileSync(join(input, "tokenizer_config.json"), "{}");
  writeSafetensors(join(input, "adapter", "adapter_model.safetensors"), {
    w: { dtype: "F32", shape: [1], data: new Float32Array([1]) },
  });
  const out = join(dir, "with_adapter_out");
  const r = convertCheckpoint(input, out);
  assert.deepEqual(r.files, ["model.safetensors"]);
  assert.deepEqual(readdirSync(out).sort(), ["adapter", "model.safetensors", "tokenizer_config.json"]);
  assert.deepEqual(readdirSync(join(out, "adapter")), ["adapter_model.safetensors"]);
});

test("past --max-shard-size a directory's weights are sharded with model.safetensors.index.json", () => {
  const out = join(dir, "sharded");
  convert(join(TORCH_FIXTURES, "llama_bf16_sharded_bin"), out, "--max-shard-size", "20KB");
  const index = JSON.parse(readFileSync(join(out, "model.safetensors.index.json"), "utf8"));
  const shards = [...new Set(Object.values(index.weight_map) as string[])].sort();
  assert.ok(shards.length >= 3, `${shards.length} shards`);
  assert.deepEqual(
    shards,
    shards.map((_, i) => `model-0000${i + 1}-of-0000${shards.length}.safetensors`),
  );
  for (const s of shards) {
    const st = openSafetensors(join(out, s));
    // A shard stays under the limit unless one tensor alone exceeds it.
    if (st.names().length > 1) assert.ok(statSync(join(out, s)).size < 20_000 + 2_000, s);
    st.close();
  }
  let total = 0;
  const ck = openCheckpoint(out);
  for (const n of ck.names()) total += ck.read(n).data.byteLength;
  ck.close();
  assert.equal(index.metadata.total_size, total);
  assertSameTensors(out, join(FIXTURES, "llama_bf16_sharded"));
});

test("--dtype on a directory widens bf16 exactly and sets config.json's torch_dtype", () => {
  const out = join(dir, "widened");
  convertCheckpoint(join(TORCH_FIXTURES, "llama_bf16_sharded_bin"), out, { dtype: "F32" });
  assert.equal(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).torch_dtype, "float32");
  const src = openCheckpoint(join(FIXTURES, "llama_bf16_sharded"));
  const ck = openCheckpoint(out);
  for (const n of src.names()) {
    const bits = src.read(n).data as Uint16Array;
    const wide = new Uint32Array((ck.read(n).data as Float32Array).buffer);
    assert.deepEqual(
      [...wide],
      [...bits].map((b) => (b << 16) >>> 0),
      n,
    );
  }
  src.close();
  ck.close();
});

test("refusals leave nothing behind: an existing output, a hostile file inside a directory, bad options", () => {
  const existing = join(dir, "existing");
  mkdirSync(existing);
  copyFileSync(join(TORCH_FIXTURES, "dtypes.bin"), join(existing, "keep.bin"));
  const r = lntune(join(TORCH_FIXTURES, "sharded"), existing);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /existing: already exists; give a new \(or empty\) directory/);
  assert.deepEqual(readdirSync(existing), ["keep.bin"]);

  const hostile = join(dir, "hostile");
  mkdirSync(hostile);
  copyFileSync(join(TORCH_FIXTURES, "malicious.bin"), join(hostile, "pytorch_model.bin"));
  assert.throws(
    () => convertCheckpoint(hostile, join(dir, "hostile_out")),
    /pytorch_model\.bin: data\.pkl names the Python global "os\.system"/,
  );
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("hostile_out")),
    [],
    "neither the output nor a temporary directory is left",
  );

  assert.throws(
    () => convertCheckpoint(join(TORCH_FIXTURES, "dtypes.bin"), existing),
    /existing: is a directory; a file converts to a file/,
  );
  assert.throws(
    () => convertCheckpoint(join(TORCH_FIXTURES, "legacy.bin"), join(dir, "legacy.safetensors")),
    /legacy\.bin: saved in PyTorch's legacy format/,
  );
  assert.equal(existsSync(join(dir, "legacy.safetensors")), false);
  assert.throws(() => convertCheckpoint(existing, existing), /the output must differ from the input/);
  assert.throws(
    () => convertCheckpoint(hostile, join(hostile, "out")),
    /hostile\/out: lies inside the input directory/,
  );
  const bad = lntune(
    join(TORCH_FIXTURES, "dtypes.bin"),
    join(dir, "x.safetensors"),
    "--max-shard-size",
    "lots",
  );
  assert.match(bad.stderr, /not a size: lots/);
  assert.equal(existsSync(join(dir, "x.safetensors")), false);
});
