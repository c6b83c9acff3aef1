// What the PyTorch checkpoint reader refuses, and how it says so: Python globals other than tensors,
// storages and dicts (named, with the file, before anything is built: nothing in a file is ever run),
// the legacy pre-1.6 format, big-endian storages, TorchScript archives, and files that hold something
// other than a dict of tensors. The legacy, big-endian and TorchScript files were written by torch 1.13
// (tools/make_torch_fixtures.py); malicious.bin's pickle was written by hand and never unpickled.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.ts";
import type { TorchFileError } from "../../src/io/torch/torch_error.ts";
import { openTorchFile } from "../../src/io/torch/torch_file.ts";
import { scratchDir, writeRaw } from "./helpers.ts";
import {
  f32Bytes,
  op,
  pickle,
  stateDictPickle,
  TORCH_FIXTURES,
  tensorOps,
  torchArchive,
  zipArchive,
} from "./torch_helpers.ts";

const dir = scratchDir();

function refused(path: string, code: string, re: RegExp, tensor: string | null = null) {
  assert.throws(
    () => openTorchFile(path),
    (e: TorchFileError) => {
      assert.equal(e.name, "TorchFileError", e.message);
      assert.equal(e.code, code, e.message);
      assert.equal(e.file, path);
      assert.equal(e.tensor, tensor);
      assert.ok(e.message.startsWith(path), e.message);
      assert.match(e.message, re);
      return true;
    },
  );
}

/** A state dict {"w": <callable>(<arg>)} built by REDUCE on the given global. */
const callingGlobal = (module: string, name: string, arg: string) =>
  stateDictPickle([["w", [op.global(module, name), op.str(arg), [0x85], op.reduce]]]);

test("torch's zip holding a pickle that calls os.system is refused by name, with the file", () => {
  const path = join(TORCH_FIXTURES, "malicious.bin");
  refused(path, "global", /"os\.system".*refused.*nothing in the file is run/);
  // Through a checkpoint directory's discovery too.
  assert.throws(() => openCheckpoint(path), /malicious\.bin: data\.pkl names the Python global "os\.system"/);
});

test("every other global is refused by name (builtins.eval, exec, posix.system, torch.load, …) and nothing runs", () => {
  const marker = join(dir, "ran");
  for (const [module, name] of [
    ["builtins", "eval"],
    ["builtins", "exec"],
    ["builtins", "getattr"],
    ["__builtin__", "eval"],
    ["posix", "system"],
    ["subprocess", "Popen"],
    ["torch", "load"],
    ["torch.serialization", "load"],
    ["collections", "defaultdict"],
    ["numpy.core.multiarray", "_reconstruct"],
  ]) {
    const command = name === "system" || name === "Popen" ? `touch ${marker}` : `open("${marker}", "w")`;
    const path = writeRaw(dir, `${module}.${name}.pt`, torchArchive(callingGlobal(module, name, command)));
    refused(path, "global", new RegExp(`"${`${module}.${name}`.replaceAll(".", "\\.")}"`));
  }
  assert.equal(existsSync(marker), false);
});

test("STACK_GLOBAL (protocol 4) is held to the same rule", () => {
  const pkl = pickle([0x80, 4], op.str("builtins"), op.str("eval"), op.stackGlobal, op.stop);
  refused(writeRaw(dir, "stack_global.pt", torchArchive(pkl)), "global", /"builtins\.eval"/);
});

test("a global is refused even when it is never called (refusal happens when it is named)", () => {
  // GLOBAL os.system, POP, then an empty dict.
  const named = pickle(op.proto, op.global("os", "system"), [0x30], op.emptyDict, op.stop);
  refused(writeRaw(dir, "named_only.pt", torchArchive(named)), "global", /"os\.system"/);
});

test("the legacy (pre-1.6) format gets an error saying to re-save it with a newer torch", () => {
  refused(
    join(TORCH_FIXTURES, "legacy.bin"),
    "legacy",
    /legacy format .*_use_new_zipfile_serialization=False.*save it again with torch >= 1\.6/,
  );
});

test("big-endian storages are refused; an unreadable byteorder record too", () => {
  refused(join(TORCH_FIXTURES, "byteorder_big.pt"), "byteorder", /big-endian/);
  const weird = zipArchive([
    ["archive/data.pkl", stateDictPickle([])],
    ["archive/byteorder", new TextEncoder().encode("middle")],
  ]);
  refused(writeRaw(dir, "weird_order.pt", weird), "byteorder", /"middle" is neither little nor big/);
});

test("a TorchScript archive (torch.jit.save) is refused as not a state dict", () => {
  refused(join(TORCH_FIXTURES, "torchscript.pt"), "archive", /TorchScript archive/);
});

test("files holding something other than a dict of tensors say what they hold", () => {
  const bare = pickle(op.proto, ...tensorOps("FloatStorage", "0", 1, 0, [1], [1]), op.stop);
  refused(
    writeRaw(dir, "bare.pt", torchArchive(bare, { "0": f32Bytes(1) })),
    "not_state_dict",
    /holds a single tensor, not a dict of tensors/,
  );
  const list = pickle(op.proto, op.emptyList, op.stop);
  refused(writeRaw(dir, "list.pt", torchArchive(list)), "not_state_dict", /holds a list/);
  const nested = stateDictPickle([["model", [op.emptyDict]]]);
  refused(
    writeRaw(dir, "nested.pt", torchArchive(nested)),
    "not_state_dict",
    /is a dict, not a tensor: not a state dict/,
    "model",
  );
  const epoch = stateDictPickle([["epoch", [op.int(3)]]]);
  refused(
    writeRaw(dir, "epoch.pt", torchArchive(epoch)),
    "not_state_dict",
    /is the number 3, not a tensor/,
    "epoch",
  );
  const intKey = pickle(op.proto, op.emptyDict, op.int(1), op.none, op.setitem, op.stop);
  refused(writeRaw(dir, "int_key.pt", torchArchive(intKey)), "not_state_dict", /has the key the number 1/);
});

test("storage types without a safetensors dtype (complex, quantized) are refused by name", () => {
  const pkl = stateDictPickle([["z", tensorOps("ComplexFloatStorage", "0", 1, 0, [1], [1])]]);
  refused(
    writeRaw(dir, "complex.pt", torchArchive(pkl, { "0": new Uint8Array(8) })),
    "tensor",
    /storage type torch\.ComplexFloatStorage is not supported/,
  );
});
