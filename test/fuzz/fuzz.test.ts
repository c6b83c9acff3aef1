// The short fuzz budget of the test suite (the long one: `npm run fuzz`). Every mutated input must end in
// success or an error naming the input's file: never a TypeError from inside a reader, a hang or a memory jump.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzTarget } from "./fuzz.ts";
import { TARGETS } from "./targets.ts";

const INPUTS = Number(process.env.LNTUNE_FUZZ_INPUTS ?? 25);

for (const [k, target] of TARGETS.entries()) {
  test(`fuzz ${target.name}: ${INPUTS} mutated inputs, each accepted or refused with the file named`, async () => {
    const r = await fuzzTarget(target, INPUTS, 7000 + k);
    assert.deepEqual(r.failures, []);
    // A target whose mutations are all accepted (or all refused) would not be exercising its checks.
    assert.ok(r.refused > 0, "no mutated input was refused");
  });
}
