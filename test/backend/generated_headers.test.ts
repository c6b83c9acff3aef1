// The addon's generated headers are what tools/gen_native_headers.ts writes from the kernel spec and the dtype
// table today, so the C++ declarations, bindings and dtype traits cannot drift from the TypeScript.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { DTYPES, STORAGE_DTYPES, storageLength } from "../../src/backend/dtypes.ts";
import { KERNEL_NAMES } from "../../src/backend/kernels.ts";
import { renderNativeHeaders, snake } from "../../tools/gen_native_headers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

for (const [path, text] of Object.entries(renderNativeHeaders()))
  test(`${path} is up to date (else run node --import tsx tools/gen_native_headers.ts)`, () => {
    assert.equal(readFileSync(ROOT + path, "utf8"), text);
  });

test("every kernel of the spec is declared and bound under its name", () => {
  const { "native/kernels.generated.h": decls, "native/bindings.generated.h": binds } = renderNativeHeaders();
  for (const k of KERNEL_NAMES) {
    assert.match(decls, new RegExp(`^\\w+ ${snake(k)}\\(`, "m"), k);
    assert.ok(binds.includes(`exports.Set("${k}", Napi::Function::New(env, bind_${snake(k)}, "${k}"))`), k);
  }
});

test("the dtype table: ids are positions, and the C++ enum and traits list each dtype with its sizes", () => {
  assert.deepEqual(
    STORAGE_DTYPES.map((d) => DTYPES[d].id),
    STORAGE_DTYPES.map((_, i) => i),
  );
  const header = renderNativeHeaders()["native/dtypes.generated.h"];
  assert.match(header, /enum class Dtype : int32_t \{ F32 = 0, BF16 = 1, F16 = 2, INT8 = 3, NF4 = 4 \};/);
  assert.match(header, /\{"bf16", 1, 2, false, StorageElement::U16, decode_bf16, encode_bf16\}/);
  // int8: 32 codes + an f32 scale per block; nf4: 64 four-bit codes + an f32 scale.
  assert.match(header, /\{"int8", 32, 36, true, StorageElement::U8, decode_int8, encode_int8\}/);
  assert.match(header, /\{"nf4", 64, 36, true, StorageElement::U8, decode_nf4, encode_nf4\}/);
  assert.equal(storageLength("f32", 5), 5);
  assert.equal(storageLength("bf16", 5), 5);
});

test("snake_case names follow the C++ spelling of the spec's arguments", () => {
  assert.deepEqual(["rmsNormForward", "dO", "transA", "M", "Hkv", "keyMask"].map(snake), [
    "rms_norm_forward",
    "d_o",
    "trans_a",
    "m",
    "hkv",
    "key_mask",
  ]);
});
