import assert from "node:assert/strict";
import { test } from "node:test";
import { linearTicks, logTicks, tickLabel } from "../../../src/sandbox/report/ticks.ts";

// Expected ticks worked out by hand: step = the 1/2/5×10^k nearest (hi − lo)/(count − 1), then the multiples
// of the step from the one at or below lo to the one at or above hi.

test("linear ticks of [0, 1]: step 0.2 from 0 to 1, one decimal", () => {
  const t = linearTicks(0, 1);
  assert.deepEqual(t.values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual([t.min, t.max, t.decimals], [0, 1, 1]);
});

test("linear ticks of [0, 87]: step 20 (21.75 rounds to 20), range extended to 100", () => {
  assert.deepEqual(linearTicks(0, 87).values, [0, 20, 40, 60, 80, 100]);
});

test("linear ticks of [0.42, 0.47]: step 0.01, two decimals, no floating-point residue", () => {
  const t = linearTicks(0.42, 0.47);
  assert.deepEqual(t.values, [0.42, 0.43, 0.44, 0.45, 0.46, 0.47]);
  assert.equal(t.decimals, 2);
  assert.deepEqual(
    t.values.map((v) => tickLabel(v, t, false)),
    ["0.42", "0.43", "0.44", "0.45", "0.46", "0.47"],
  );
});

test("linear ticks of [0, 0.3] are exactly 0, 0.1, 0.2, 0.3 (not 0.30000000000000004)", () => {
  assert.deepEqual(linearTicks(0, 0.3).values, [0, 0.1, 0.2, 0.3]);
});

test("linear ticks of [-3, 7]: step 2 (2.5 rounds to 2), from -4 to 8", () => {
  assert.deepEqual(linearTicks(-3, 7).values, [-4, -2, 0, 2, 4, 6, 8]);
});

test("linear ticks of [1, 120] with 7 wanted: step 20 (19.8 rounds to 20), from 0 to 120", () => {
  assert.deepEqual(linearTicks(1, 120, 7).values, [0, 20, 40, 60, 80, 100, 120]);
});

test("integer ticks of [1, 4] step by 1, not 0.5 (3 / 6 = 0.5)", () => {
  assert.deepEqual(linearTicks(1, 4, 7).values, [1, 1.5, 2, 2.5, 3, 3.5, 4]);
  assert.deepEqual(linearTicks(1, 4, 7, true).values, [1, 2, 3, 4]);
  assert.equal(linearTicks(1, 4, 7, true).decimals, 0);
});

test("a single value gets a range around it: 5 → [2.5, 7.5] → ticks 2..8; 0 → [0, 1]", () => {
  assert.deepEqual(linearTicks(5, 5).values, [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(linearTicks(0, 0).values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test("linear ticks refuse a non-finite or reversed range", () => {
  assert.throws(() => linearTicks(0, Number.NaN), /bad axis range/);
  assert.throws(() => linearTicks(2, 1), /bad axis range/);
});

test("log ticks are the decades enclosing the range: [0.003, 0.5] → 0.001 … 1", () => {
  const t = logTicks(0.003, 0.5);
  assert.deepEqual(t.values, [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(
    t.values.map((v) => tickLabel(v, t, true)),
    ["0.001", "0.01", "0.1", "1"],
  );
});

test("log ticks of an exact decade range and of a single value", () => {
  assert.deepEqual(logTicks(0.01, 100).values, [0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(logTicks(10, 10).values, [10, 100]);
});

test("log tick labels switch to 1e±k outside 1e-4 … 1e4", () => {
  const t = logTicks(1e-6, 2e5);
  assert.deepEqual(
    t.values.map((v) => tickLabel(v, t, true)),
    ["1e-6", "1e-5", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000", "1e5", "1e6"],
  );
});

test("log ticks refuse a range that is not positive", () => {
  assert.throws(() => logTicks(0, 1), /bad log axis range/);
  assert.throws(() => logTicks(-1, 1), /bad log axis range/);
});
