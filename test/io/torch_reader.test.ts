// The PyTorch checkpoint reader against torch itself: every fixture file was written by torch 1.13's
// torch.save (tools/make_torch_fixtures.py), and every tensor read must equal, byte for byte, torch's own
// tensor.contiguous() recorded beside it in expected.json.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { type Dtype, holdsDtype } from "../../src/io/dtype.ts";
import { openTorchFile } from "../../src/io/torch/torch_file.ts";
import { openWeightsFile } from "../../src/io/weights_file.ts";
import { scratchDir, writeRaw } from "./helpers.ts";
import {
  EXPECTED,
  f32Bytes,
  hexOf,
  op,
  stateDictPickle,
  TORCH_FIXTURES,
  tensorOps,
  torchArchive,
} from "./torch_helpers.ts";

const dir = scratchDir();

/** Reads every tensor of `file` and compares it with what torch saved under `expectedFile`. */
function checkAgainstTorch(file: string, expectedFile = file) {
  const want = EXPECTED[expectedFile];
  const f = openWeightsFile(join(TORCH_FIXTURES, file));
  try {
    assert.deepEqual(f.names(), Object.keys(want).sort(), `${file}: tensor names`);
    for (const [name, w] of Object.entries(want)) {
      const info = f.info(name);
      assert.equal(info.dtype, w.dtype, `${file} ${name}: dtype`);
      assert.deepEqual(info.shape, w.shape, `${file} ${name}: shape`);
      const t = f.read(name);
      assert.equal(t.dtype, w.dtype);
      assert.deepEqual(t.shape, w.shape);
      assert.ok(holdsDtype(t.dtype as Dtype, t.data), `${file} ${name}: ${t.data.constructor.name}`);
      assert.equal(hexOf(t), w.hex, `${file} ${name}: bytes differ from torch's`);
    }
  } finally {
    f.close();
  }
}

test("every dtype torch.save writes (f64, f32, f16, bf16, i64, i32, i16, i8, u8, bool, 0-d, empty) reads as torch saved it", () => {
  checkAgainstTorch("dtypes.bin");
  // Half types stay 16-bit patterns (half the memory), not widened floats.
  const f = openTorchFile(join(TORCH_FIXTURES, "dtypes.bin"));
  assert.ok(f.read("bf16").data instanceof Uint16Array);
  assert.ok(f.read("f16").data instanceof Uint16Array);
  assert.ok(f.read("i64").data instanceof BigInt64Array);
  assert.equal((f.read("i64").data as BigInt64Array)[3], -(2n ** 63n));
  f.close();
});

test("views read as torch's contiguous(): transposed, offset rows, strided columns, blocks, stride-0 expands, 2- and 8-byte gathers", () => {
  checkAgainstTorch("views.pt");
});

test("tensors sharing one storage (tied weights, two halves of one buffer) read equal but each in its own memory", () => {
  const f = openTorchFile(join(TORCH_FIXTURES, "views.pt"));
  const a = f.read("tied.embed");
  const b = f.read("tied.head");
  assert.deepEqual(a, b);
  assert.notEqual(a.data.buffer, b.data.buffer);
  (a.data as Float32Array)[0] = 42;
  assert.notEqual((b.data as Float32Array)[0], 42);
  // Each read reads again: a changed result does not leak into the next one.
  assert.notEqual((f.read("tied.embed").data as Float32Array)[0], 42);
  f.close();
});

test("a module's state_dict() (OrderedDict with _metadata) and nn.Parameter values read as torch saved them", () => {
  checkAgainstTorch("state_dict.pth");
  checkAgainstTorch("parameters.pt");
});

test("LLaVA's stage-1 mm_projector.bin (plain dict of bf16 clones) and the shards of a sharded checkpoint read as saved", () => {
  checkAgainstTorch("mm_projector.bin");
  checkAgainstTorch("mm_projector_linear.bin");
  checkAgainstTorch("rounding.pt");
  checkAgainstTorch("sharded/pytorch_model-00001-of-00002.bin");
  checkAgainstTorch("sharded/pytorch_model-00002-of-00002.bin");
});

test("a byteorder record of 'little' is accepted, and deflated entries (an archive re-zipped) inflate to the same values", () => {
  checkAgainstTorch("byteorder_little.pt", "dtypes.bin");
  checkAgainstTorch("deflated.pt", "dtypes.bin");
});

test("a tensor whose contiguous data starts inside its storage is read from that offset, and its info needs no read", () => {
  const pkl = stateDictPickle([
    ["tail", tensorOps("FloatStorage", "0", 5, 2, [3], [1])],
    ["pair", tensorOps("FloatStorage", "0", 5, 1, [2, 1], [1, 7])],
  ]);
  const path = writeRaw(dir, "offset.pt", torchArchive(pkl, { "0": f32Bytes(1, 2, 3, 4, 5) }));
  const f = openTorchFile(path);
  assert.deepEqual(f.info("tail"), { name: "tail", dtype: "F32", shape: [3], file: path });
  assert.deepEqual([...(f.read("tail").data as Float32Array)], [3, 4, 5]);
  // A size-1 dimension's stride does not matter (torch's is_contiguous).
  assert.deepEqual([...(f.read("pair").data as Float32Array)], [2, 3]);
  assert.equal(f.metadata, null);
  f.close();
  assert.throws(() => f.read("tail"), /already closed/);
});

test("unknown tensor names are a not_found error naming file and tensor", () => {
  const f = openTorchFile(join(TORCH_FIXTURES, "dtypes.bin"));
  assert.throws(
    () => f.info("nope"),
    (e: Error & { code: string }) => e.code === "not_found" && /dtypes\.bin: tensor "nope"/.test(e.message),
  );
  f.close();
});

test("pickles may use the protocol-4 forms of strings and globals (SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE)", () => {
  const short = (s: string) => [0x8c, s.length, ...new TextEncoder().encode(s)];
  const pkl = Uint8Array.from([
    ...[0x80, 4],
    ...[0x95, 0, 0, 0, 0, 0, 0, 0, 0], // FRAME (a length hint)
    ...short("collections"),
    ...short("OrderedDict"),
    ...op.stackGlobal,
    0x94, // MEMOIZE
    ...op.emptyTuple,
    ...op.reduce,
    ...short("w"),
    ...tensorOps("FloatStorage", "0", 2, 0, [2], [1]).flat(),
    ...op.setitem,
    ...op.stop,
  ]);
  const f = openTorchFile(writeRaw(dir, "proto4.pt", torchArchive(pkl, { "0": f32Bytes(7, 8) })));
  assert.deepEqual([...(f.read("w").data as Float32Array)], [7, 8]);
  f.close();
});

test("torch 2's _rebuild_parameter_with_state and a torch.Size argument rebuild the tensor they wrap", () => {
  const tensor = tensorOps("HalfStorage", "0", 2, 0, [2], [1]);
  const withState = [
    op.global("torch._utils", "_rebuild_parameter_with_state"),
    op.mark,
    ...tensor,
    [0x88], // NEWTRUE: requires_grad
    op.global("collections", "OrderedDict"),
    op.emptyTuple,
    op.reduce,
    op.emptyDict,
    op.tuple,
    op.reduce,
  ];
  const sized = tensorOps("HalfStorage", "0", 2, 1, [1], [1], true);
  const pkl = stateDictPickle([
    ["p", withState],
    ["s", sized],
  ]);
  const f = openTorchFile(
    writeRaw(dir, "with_state.pt", torchArchive(pkl, { "0": Uint8Array.of(0, 0x3c, 0, 0xc0) })),
  );
  assert.deepEqual([...(f.read("p").data as Uint16Array)], [0x3c00, 0xc000]);
  assert.deepEqual([...(f.read("s").data as Uint16Array)], [0xc000]);
  f.close();
});
