// Damaged and hostile PyTorch checkpoints: truncated or corrupt zips, ZIP64 records, compression and
// encryption, malformed pickles, views outside their storage, storages of the wrong size. Each gives a
// TorchFileError naming the file (never a crash, a hang or garbage). views.pt was written by torch 1.13's
// torch.save (tools/make_torch_fixtures.py); the rest is built here by hand.
import assert from "node:assert/strict";
import { closeSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { TorchFileError } from "../../src/io/torch/torch_error.ts";
import { openTorchFile } from "../../src/io/torch/torch_file.ts";
import { scratchDir, writeRaw } from "./helpers.ts";
import {
  EXPECTED,
  f32Bytes,
  hexOf,
  op,
  pickle,
  stateDictPickle,
  TORCH_FIXTURES,
  tensorOps,
  torchArchive,
  zipArchive,
} from "./torch_helpers.ts";

const dir = scratchDir();
const VIEWS = readFileSync(join(TORCH_FIXTURES, "views.pt"));
const SMALL = "sharded/pytorch_model-00002-of-00002.bin";

function fails(path: string, code: string, re: RegExp, tensor: string | null = null) {
  assert.throws(
    () => {
      const f = openTorchFile(path);
      try {
        for (const n of f.names()) f.read(n);
      } finally {
        f.close();
      }
    },
    (e: TorchFileError) => {
      assert.equal(e.name, "TorchFileError", e.stack);
      assert.equal(e.code, code, e.message);
      assert.equal(e.file, path);
      assert.equal(e.tensor, tensor);
      assert.match(e.message, re);
      return true;
    },
  );
}

/** One float tensor "w" over storage "0" with the given view, and the storage's bytes. */
const oneTensor = (numel: number, offset: number, size: number[], stride: number[], bytes: Uint8Array) =>
  torchArchive(stateDictPickle([["w", tensorOps("FloatStorage", "0", numel, offset, size, stride)]]), {
    "0": bytes,
  });

test("empty files, random bytes and bare pickles are not zip archives", () => {
  fails(writeRaw(dir, "empty.pt", new Uint8Array(0)), "not_zip", /the file is empty/);
  fails(
    writeRaw(dir, "text.bin", new TextEncoder().encode("not a checkpoint")),
    "not_zip",
    /not a zip archive/,
  );
  fails(writeRaw(dir, "pickle.pt", pickle(op.proto, op.emptyDict, op.stop)), "not_zip", /bare pickle/);
});

test("a zip truncated anywhere before its end says it is truncated", () => {
  for (const cut of [4, 100, VIEWS.length >> 1, VIEWS.length - 30, VIEWS.length - 1]) {
    fails(writeRaw(dir, `cut${cut}.pt`, VIEWS.subarray(0, cut)), "truncated", /truncated/);
  }
});

test("a zip that is not torch's: no data.pkl, or a storage entry missing", () => {
  fails(
    writeRaw(dir, "other.zip.pt", zipArchive([["readme.txt", new Uint8Array(3)]])),
    "archive",
    /without <name>\/data\.pkl/,
  );
  const pkl = stateDictPickle([["w", tensorOps("FloatStorage", "7", 1, 0, [1], [1])]]);
  fails(
    writeRaw(dir, "missing.pt", torchArchive(pkl)),
    "archive",
    /storage "archive\/data\/7" is not in the archive/,
    "w",
  );
});

test("corrupt central directory, local header and ZIP64 records name what is wrong", () => {
  const good = oneTensor(2, 0, [2], [1], f32Bytes(1, 2));
  const central = Buffer.from(good).lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  const badCentral = Uint8Array.from(good);
  badCentral[central] = 0;
  fails(
    writeRaw(dir, "bad_central.pt", badCentral),
    "zip",
    /central directory entry 2 of 3 is missing or corrupt/,
  );
  const badLocal = Uint8Array.from(good);
  badLocal[0] = 0;
  fails(writeRaw(dir, "bad_local.pt", badLocal), "zip", /"archive\/data\.pkl": no local header at byte 0/);
  const zip64 = oneTensor(2, 0, [2], [1], f32Bytes(1, 2));
  const z = Uint8Array.from(zipArchive([["archive/x", new Uint8Array(1)]], { zip64: true }));
  const record = Buffer.from(z).lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
  z[record] = 0;
  fails(writeRaw(dir, "bad_zip64.pt", z), "zip", /no ZIP64 end-of-central-directory record/);
  assert.ok(zip64.length > 0);
});

test("ZIP64 sizes and offsets (as in shards over 4 GB) are read from the extra fields", () => {
  const path = writeRaw(
    dir,
    "zip64.pt",
    torchArchive(
      stateDictPickle([["w", tensorOps("FloatStorage", "0", 3, 1, [2], [1])]]),
      { "0": f32Bytes(1, 2, 3) },
      {
        zip64: true,
      },
    ),
  );
  const f = openTorchFile(path);
  assert.deepEqual([...(f.read("w").data as Float32Array)], [2, 3]);
  f.close();
});

test("unsupported compression methods and encrypted entries are refused", () => {
  const pkl = stateDictPickle([]);
  fails(writeRaw(dir, "bzip2.pt", torchArchive(pkl, {}, { method: 12 })), "zip", /compression method 12/);
  fails(writeRaw(dir, "encrypted.pt", torchArchive(pkl, {}, { flags: 1 })), "zip", /is encrypted/);
  fails(writeRaw(dir, "bad_deflate.pt", torchArchive(pkl, {}, { method: 8 })), "zip", /does not inflate/);
});

test("malformed pickles: truncated, unknown opcode, empty stack, bad memo, wrong persistent id", () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["truncated", pickle(op.proto, op.emptyDict, op.str("w")).subarray(0, 6), /ends early/],
    ["opcode", pickle(op.proto, [0x69], op.stop), /opcode 0x69 is not one a state dict needs/],
    ["empty", pickle(op.proto, op.setitem, op.stop), /pops an empty stack/],
    ["memo", pickle(op.proto, [0x68, 9], op.stop), /memo slot 9 was never set/],
    ["mark", pickle(op.proto, op.tuple, op.stop), /no MARK/],
    ["persid", pickle(op.proto, op.str("x"), op.binpersid, op.stop), /persistent id is the string "x"/],
    [
      "call",
      pickle(op.proto, op.str("f"), op.emptyTuple, op.reduce, op.stop),
      /calls the string "f", which is not callable/,
    ],
    ["utf8", pickle(op.proto, [0x58, 1, 0, 0, 0, 0xff], op.stop), /not valid UTF-8/],
    ["huge", pickle(op.proto, [0x58, 0xff, 0xff, 0xff, 0x7f]), /ends early/],
  ];
  for (const [name, pkl, re] of cases)
    fails(writeRaw(dir, `pickle_${name}.pt`, torchArchive(pkl)), "pickle", re);
});

test("a pickle of 200,000 appends or a very long string makes a short error, not a stack overflow", () => {
  const ints = new Uint8Array(400_000).map((_, i) => (i % 2 ? 0 : 0x4b)); // 200,000 × BININT1 0
  const many = Uint8Array.from([...pickle(op.proto, op.emptyList, op.mark), ...ints, 0x65, ...op.stop]);
  fails(
    writeRaw(dir, "many.pt", torchArchive(many)),
    "not_state_dict",
    /holds a list, not a dict of tensors/,
  );
  const long = stateDictPickle([["w", [op.str("x".repeat(100_000))]]]);
  assert.throws(
    () => openTorchFile(writeRaw(dir, "long.pt", torchArchive(long))),
    (e: Error) => e.message.length < 400 && /is the string "x+\.\.\., not a tensor/.test(e.message),
  );
});

test("views reaching outside their storage and storages of the wrong size are refused with the tensor named", () => {
  fails(
    writeRaw(dir, "oob.pt", oneTensor(4, 1, [2, 2], [2, 1], f32Bytes(1, 2, 3, 4))),
    "tensor",
    /view \(offset 1, size \[2,2\], stride \[2,1\]\) reaches element 4 of a storage of 4/,
    "w",
  );
  fails(
    writeRaw(dir, "short.pt", oneTensor(4, 0, [4], [1], f32Bytes(1, 2, 3))),
    "tensor",
    /storage "0" holds 12 bytes but its 4 F32 elements take 16/,
    "w",
  );
  fails(
    writeRaw(dir, "ragged.pt", oneTensor(4, 0, [4], [1, 1], f32Bytes(1, 2, 3, 4))),
    "pickle",
    /_rebuild_tensor_v2 has an invalid view/,
  );
  fails(
    writeRaw(dir, "huge.pt", oneTensor(1, 0, [2 ** 30, 2 ** 30], [0, 0], f32Bytes(1))),
    "tensor",
    /more elements than any tensor/,
    "w",
  );
});

test("every truncation of a torch.save file fails with a TorchFileError, none with anything else", () => {
  const bytes = readFileSync(join(TORCH_FIXTURES, SMALL));
  const path = writeRaw(dir, "cut.pt", bytes);
  // Cut from the end back to nothing, in place (rewriting the file each time would dominate the test).
  for (let cut = bytes.length - 1; cut >= 0; cut--) {
    truncateSync(path, cut);
    assert.throws(() => openTorchFile(path), TorchFileError, `cut at ${cut}`);
  }
});

test("a flipped byte anywhere in a torch.save file gives a TorchFileError or values of the right size", () => {
  const want = EXPECTED["views.pt"];
  const path = writeRaw(dir, "flip.pt", VIEWS);
  const fd = openSync(path, "r+");
  let refused = 0;
  try {
    for (let at = 0; at < VIEWS.length; at++) {
      writeSync(fd, Uint8Array.of(VIEWS[at] ^ 0xff), 0, 1, at);
      try {
        const f = openTorchFile(path);
        for (const n of f.names()) {
          // A flipped data byte changes a value (tensor data carries no CRC check); names and shapes come
          // from the CRC-checked pickle.
          assert.equal(hexOf(f.read(n)).length, want[n].hex.length, `flip at ${at}: ${n}`);
        }
        f.close();
      } catch (e) {
        if (!(e instanceof TorchFileError)) throw new Error(`flip at ${at}: ${e}`);
        refused++;
      }
      writeSync(fd, Uint8Array.of(VIEWS[at]), 0, 1, at);
    }
  } finally {
    closeSync(fd);
  }
  assert.ok(refused > 0);
});
