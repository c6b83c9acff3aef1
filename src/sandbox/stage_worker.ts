// The child-process side of runStageIsolated: runs one training stage with the options given as JSON in
// argv[2] and reports a failure to the parent before exiting with its status.
import { runStage, type StageOptions } from "../train/run.ts";

const options = JSON.parse(process.argv[2]) as StageOptions;
try {
  await runStage({ ...options, log: () => {} });
} catch (e) {
  const exitCode = (e as { exitCode?: unknown }).exitCode;
  process.send?.({ error: e instanceof Error ? e.message : String(e) });
  process.exitCode = typeof exitCode === "number" ? exitCode : 1;
}
