// Runs a training stage in a child process. A run's run.json then reports the peak RSS of that run alone
// (the kernel's maximum resident size is per process and never goes down), so the demo's memory column
// compares methods rather than the order they ran in. A run found in the output directory (one interrupted
// earlier: the demo's parts give a changed run another directory) is resumed from its last checkpoint.
import { fork } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StageOptions } from "../train/run.ts";

const WORKER = fileURLToPath(new URL("./stage_worker.ts", import.meta.url));
// The child needs tsx's loader for the TypeScript sources, found from here rather than from the working
// directory, which may not be this package's.
const TSX = import.meta.resolve("tsx");

export class StageProcessError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function runStageIsolated(options: Omit<StageOptions, "log" | "resume">): Promise<void> {
  // run.json is written before the first step: without it the directory holds nothing worth keeping.
  const resume = existsSync(join(options.output, "run.json"));
  if (!resume) rmSync(options.output, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify({ ...options, resume })], { execArgv: ["--import", TSX] });
    let error: string | undefined;
    child.on("message", (m) => {
      error = (m as { error?: string }).error;
    });
    // Ctrl-C reaches the child too, which checkpoints its step and exits 130; wait for it here.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    process.on("SIGTERM", ignore);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", ignore);
      if (code === 0) return resolve();
      const status = code ?? 1;
      if (status === 130)
        return reject(
          new StageProcessError(
            `interrupted in ${options.output}; run the same command again to continue (finished parts are kept, this run resumes from its checkpoint)`,
            status,
          ),
        );
      const why = error ?? (signal ? `killed by ${signal}` : `exit status ${status}`);
      reject(new StageProcessError(`${options.output}: ${why}`, status));
    });
  });
}
