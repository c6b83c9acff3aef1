// The fuzz loop: for each target, N seeded mutations of its valid file set, each judged by what the reader did.
// Acceptable: success, or an Error whose message names the input's path. A failure: any other throw (a
// TypeError from deep inside, an error without the file), a result that took too long, or a peak memory jump
// (an allocation sized by a length read from the file).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../src/tensor/rng.ts";
import { mutateFile } from "./mutate.ts";
import type { FuzzTarget } from "./targets.ts";

export interface FuzzFailure {
  input: number;
  file: string;
  problem: string;
}

export interface FuzzReport {
  target: string;
  inputs: number;
  accepted: number;
  refused: number;
  failures: FuzzFailure[];
}

const SLOW_MS = 10_000;
const MEMORY_JUMP = 512 * 2 ** 20;
// Messages of errors that escaped from inside a reader rather than being raised by its validation.
const ENGINE_ERRORS =
  /Cannot read prop|Cannot set prop|is not a function|is not iterable|Maximum call stack|Invalid (typed )?array length|allocation failed|out of memory|Offset is outside the bounds|out of range/i;

type Outcome = { kind: "accepted" } | { kind: "refused" } | { kind: "failure"; problem: string };

async function judge(target: FuzzTarget, dir: string): Promise<Outcome> {
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  let outcome: Outcome = { kind: "accepted" };
  try {
    await target.run(dir);
  } catch (err) {
    const clear = err instanceof Error && err.message.includes(dir) && !ENGINE_ERRORS.test(err.message);
    const message = err instanceof Error ? `${err.name}: ${err.message}` : `non-Error thrown: ${String(err)}`;
    outcome = clear ? { kind: "refused" } : { kind: "failure", problem: message.slice(0, 300) };
  }
  const ms = performance.now() - start;
  const jump = process.resourceUsage().maxRSS * 1024 - rssBefore;
  if (outcome.kind !== "failure" && ms > SLOW_MS)
    outcome = { kind: "failure", problem: `took ${Math.round(ms)} ms` };
  if (outcome.kind !== "failure" && jump > MEMORY_JUMP)
    outcome = { kind: "failure", problem: `peak memory rose by ${Math.round(jump / 2 ** 20)} MiB` };
  return outcome;
}

/** Fuzzes one target; the unmutated file set must be accepted first, or the target tests nothing. */
export async function fuzzTarget(target: FuzzTarget, inputs: number, seed: number): Promise<FuzzReport> {
  const rng = new Rng(seed);
  const report: FuzzReport = { target: target.name, inputs, accepted: 0, refused: 0, failures: [] };
  const originals = new Map(target.files.map(([src, name]) => [name, readFileSync(src)]));
  const root = mkdtempSync(join(tmpdir(), "lntune-fuzz-"));
  try {
    // Input -1 is the valid file set.
    for (let i = -1; i < inputs; i++) {
      const dir = join(root, `input-${i}`);
      mkdirSync(dir);
      for (const [name, bytes] of originals) writeFileSync(join(dir, name), bytes);
      let file = "(none)";
      if (i >= 0) {
        const [name, kind] = target.mutable[rng.int(target.mutable.length)];
        file = name;
        writeFileSync(join(dir, name), mutateFile(originals.get(name)!, rng, kind));
      }
      const outcome = await judge(target, dir);
      rmSync(dir, { recursive: true, force: true });
      if (i < 0) {
        if (outcome.kind !== "accepted")
          throw new Error(`fuzz target "${target.name}" does not accept its valid input`);
      } else if (outcome.kind === "failure")
        report.failures.push({ input: i, file, problem: outcome.problem });
      else report[outcome.kind]++;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return report;
}
