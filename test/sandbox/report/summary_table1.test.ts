// The printed summary's Table 1: its average column over the benchmarks the reference row scores above 0,
// with the title saying which were left out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSummary } from "../../../src/sandbox/summary.ts";
import { sampleResults } from "./sample_results.ts";

const table1Lines = (text: string) => {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Table 1"));
  return lines.slice(start, lines.indexOf("", start) === -1 ? undefined : lines.indexOf("", start));
};

test("summary Table 1: LoRA's POPE F1 of 0 leaves POPE out of the average, and the title says so", () => {
  const r = sampleResults();
  const lora = r.table1!.rows.find((x) => x.method === "lora")!;
  lora.scores.popeF1 = 0;
  const lines = table1Lines(formatSummary(r));
  assert.match(
    lines[0],
    /average: mean relative difference to LoRA over 4 of the five \(POPE F1 left out: LoRA scores 0 there\)/,
  );
  // LayerNorm vs LoRA over MME, VQAv2, COCO, Flickr30k: (19.224 + 34.557 + 19.728 + 24.082) / 4 = 24.398 %.
  const ln = lines.find((l) => l.startsWith("LayerNorm "))!;
  assert.match(ln, / 24\.4 /);
});

test("summary Table 1: with every reference score above 0 the average is over the five", () => {
  const lines = table1Lines(formatSummary(sampleResults()));
  assert.match(lines[0], /mean relative difference to LoRA over the five, in %/);
  assert.match(lines.find((l) => l.startsWith("LayerNorm "))!, / 20\.6 /);
});
