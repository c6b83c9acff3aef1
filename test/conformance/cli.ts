// The `lntune` command line run in this process (a child process per command would cost a TypeScript
// start-up each). Text written to stdout/stderr is captured; the test runner's own binary reports pass
// through. process.exit (which commander calls on usage errors) becomes an exception main() reports, so a
// failing command fails its test instead of ending the file.
import assert from "node:assert/strict";
import { main } from "../../src/cli/main.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

function capture(stream: NodeJS.WriteStream, into: string[]): () => void {
  const original = stream.write;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "string")
      return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    into.push(chunk);
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  }) as Write;
  return () => {
    stream.write = original;
  };
}

export async function lntune(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const restoreOut = capture(process.stdout, out);
  const restoreErr = capture(process.stderr, err);
  // The test runner sets exitCode when a test fails: keep its value around the command's own.
  const runnerCode = process.exitCode;
  process.exitCode = 0;
  const exit = process.exit;
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? 0})`);
  }) as typeof process.exit;
  try {
    await main(["node", "lntune", ...args]);
  } finally {
    process.exit = exit;
    restoreOut();
    restoreErr();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = runnerCode;
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** Runs the command and fails with its error output unless it exits 0. */
export async function lntuneOk(...args: string[]): Promise<CliResult> {
  const r = await lntune(...args);
  assert.equal(r.code, 0, `lntune ${args.join(" ")}\n${r.stderr.trim().split("\n").slice(-5).join("\n")}`);
  return r;
}
