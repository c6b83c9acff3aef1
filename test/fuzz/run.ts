// `npm run fuzz [-- --inputs N --seed S]`: the long fuzz run; prints a table per target and every failure.
import { parseArgs } from "node:util";
import { fuzzTarget } from "./fuzz.ts";
import { TARGETS } from "./targets.ts";

const { values } = parseArgs({
  options: { inputs: { type: "string", default: "2000" }, seed: { type: "string", default: "1" } },
});
const inputs = Number(values.inputs);
const seed = Number(values.seed);
let failures = 0;
let total = 0;
process.stdout.write(`target${" ".repeat(46)}inputs  accepted  refused  failures\n`);
for (const [k, target] of TARGETS.entries()) {
  const r = await fuzzTarget(target, inputs, seed * 1000 + k);
  total += r.inputs;
  failures += r.failures.length;
  const cells = [r.inputs, r.accepted, r.refused, r.failures.length].map((n) => String(n).padStart(8));
  process.stdout.write(`${r.target.padEnd(50)}${cells.join("")}\n`);
  for (const f of r.failures) process.stdout.write(`  input ${f.input} (${f.file}): ${f.problem}\n`);
}
process.stdout.write(`${total} inputs, ${failures} failures\n`);
process.exitCode = failures > 0 ? 1 : 0;
