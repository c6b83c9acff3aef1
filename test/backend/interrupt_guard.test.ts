// The addon's interrupt guard, in a child process busy inside native code: one signal waits for JavaScript
// (the step finishes), a second one ends the process at once with status 130.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

const BACKEND = join(import.meta.dirname, "..", "..", "src", "backend", "index.ts");

// Busy for ~`seconds` in synchronous GEMMs, so JavaScript signal handlers cannot run meanwhile.
const child = (seconds: number) => `
import { interruptGuard, interruptsReceived, nativeKernels } from ${JSON.stringify(BACKEND)};
let signals = 0;
process.on("SIGINT", () => signals++);
process.on("SIGTERM", () => signals++);
if (!interruptGuard(true)) process.exit(3);
const k = nativeKernels();
const n = 256, a = new Float32Array(n * n).fill(1), c = new Float32Array(n * n);
process.stdout.write("busy\\n");
const end = Date.now() + ${seconds * 1000};
while (Date.now() < end) k.sgemm(false, false, n, n, n, 1, a, n, a, n, "f32", 0, c, n);
process.stdout.write("counted " + interruptsReceived() + "\\n");
setTimeout(() => { process.stdout.write("handled " + signals + "\\n"); process.exit(0); }, 100);
`;

function start(seconds: number) {
  const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child(seconds)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  p.stdout.on("data", (d) => {
    out += d;
  });
  const busy = new Promise<void>((resolve) => p.stdout.on("data", () => out.includes("busy") && resolve()));
  const exit = new Promise<{ code: number | null; ms: number }>((resolve) => {
    let t0 = 0;
    busy.then(() => {
      t0 = performance.now();
    });
    p.on("exit", (code) => resolve({ code, ms: performance.now() - t0 }));
  });
  return { p, busy, exit, out: () => out };
}

test("interrupt guard: a second SIGINT during native work exits 130 at once", async () => {
  const c = start(20);
  await c.busy;
  c.p.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 300));
  c.p.kill("SIGINT");
  const { code, ms } = await c.exit;
  assert.equal(code, 130);
  assert.ok(ms < 5000, `took ${ms} ms to quit`);
});

test("interrupt guard: SIGTERM then SIGINT also quits at once", async () => {
  const c = start(20);
  await c.busy;
  c.p.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  c.p.kill("SIGINT");
  const { code, ms } = await c.exit;
  assert.equal(code, 130);
  assert.ok(ms < 5000, `took ${ms} ms to quit`);
});

test("interrupt guard: a single signal is counted at once and reaches the JavaScript handler after the work", async () => {
  const c = start(2);
  await c.busy;
  c.p.kill("SIGTERM");
  const { code } = await c.exit;
  assert.equal(code, 0);
  assert.match(c.out(), /counted 1\nhandled 1/);
});
