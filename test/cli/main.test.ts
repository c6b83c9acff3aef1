// The command line under an MPI launcher: only the data-parallel commands (pretrain, finetune, eval) run as
// ranks; any other command refuses, naming the launch, before it does anything.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

test("a command that is not data-parallel refuses a launch as one of several ranks", () => {
  for (const [env, launch] of [
    [
      { OMPI_COMM_WORLD_SIZE: "2", OMPI_COMM_WORLD_RANK: "1" },
      /rank 1 of 2 \(mpirun: OMPI_COMM_WORLD_SIZE=2/,
    ],
    [{ SLURM_NTASKS: "4", SLURM_PROCID: "0", SLURM_STEP_ID: "7" }, /rank 0 of 4 \(srun: SLURM_NTASKS=4/],
  ] as const) {
    const r = spawnSync(process.execPath, [CLI, "inspect", "/nonexistent-model"], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^lntune: inspect runs as a single process, but this is /);
    assert.match(r.stderr, launch);
    assert.match(r.stderr, /Data-parallel commands: pretrain, finetune, eval/);
  }
  // A Slurm batch script outside any srun step is one process: the command runs (and fails on its input).
  const alone = spawnSync(process.execPath, [CLI, "inspect", "/nonexistent-model"], {
    encoding: "utf8",
    env: { ...process.env, SLURM_NTASKS: "4", SLURM_PROCID: "0" },
  });
  assert.doesNotMatch(alone.stderr, /single process/);
  assert.match(alone.stderr, /nonexistent-model/);
});
