import assert from "node:assert/strict";
import { test } from "node:test";
import { similarityRow } from "../../../src/sandbox/report/similarity_row.ts";

test("per-layer similarity is each matrix row's mean over the other layers (hand-computed 3×3)", () => {
  const matrix = [
    [1, 0.5, 0.2],
    [0.5, 1, 0.8],
    [0.2, 0.8, 1],
  ];
  const row = similarityRow("ln", { pooled: 0.5, perToken: 0.4, matrix, samples: 3 });
  assert.equal(row.method, "ln");
  assert.equal(row.pooled, 0.5);
  assert.equal(row.perToken, 0.4);
  // (0.5 + 0.2) / 2, (0.5 + 0.8) / 2, (0.2 + 0.8) / 2
  assert.deepEqual(
    row.perLayer.map((v) => Number(v.toFixed(12))),
    [0.35, 0.65, 0.5],
  );
});
