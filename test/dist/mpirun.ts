// Running lntune as several ranks on this machine for the data-parallel tests: Open MPI's mpirun on loopback,
// oversubscribed (more ranks than cores) and allowed to run as root (CI does). Without mpirun or an addon
// built with MPI, the tests fail saying what to install.
import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { nativeMpi } from "../../src/backend/native.ts";

export const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

const INSTALL =
  "install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev) and rebuild the addon (npm install)";

/** Fails the test unless mpirun runs and the addon has MPI. */
export function requireMpi(): void {
  const version = spawnSync("mpirun", ["--version"], { encoding: "utf8" });
  assert.ok(version.status === 0, `mpirun is not available: ${INSTALL}`);
  assert.match(version.stdout, /Open MPI/, `mpirun is not Open MPI's: ${INSTALL}`);
  assert.ok(nativeMpi() !== null, `the native addon was built without MPI: ${INSTALL}`);
}

/** mpirun's arguments for `np` ranks of `lntune ARGS`. */
function mpirunArgs(np: number, args: readonly string[]): string[] {
  return ["--oversubscribe", "--allow-run-as-root", "-np", String(np), process.execPath, CLI, ...args];
}

/** The kernels use one thread per process, so that runs with different rank counts compute alike. */
const ENV = { ...process.env, LNTUNE_THREADS: "1" };

/** `lntune ARGS` as `np` ranks (np 0: one plain process, no launcher), to completion. */
export function lntune(np: number, args: readonly string[], timeoutMs = 240_000): SpawnSyncReturns<string> {
  return np === 0
    ? spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: ENV, timeout: timeoutMs })
    : spawnSync("mpirun", mpirunArgs(np, args), { encoding: "utf8", env: ENV, timeout: timeoutMs });
}

/** One rank per argument list (mpirun's MPMD form: rank r runs `lntune ARGS[r]`), to completion. */
export function lntuneRanks(
  args: ReadonlyArray<readonly string[]>,
  timeoutMs = 240_000,
): SpawnSyncReturns<string> {
  const apps = args.flatMap((a, r) => [...(r > 0 ? [":"] : []), "-np", "1", process.execPath, CLI, ...a]);
  return spawnSync("mpirun", ["--oversubscribe", "--allow-run-as-root", ...apps], {
    encoding: "utf8",
    env: ENV,
    timeout: timeoutMs,
  });
}

/** `lntune ARGS` as `np` ranks in the background; `exited` resolves with the status and stderr. */
export function lntuneAsync(np: number, args: readonly string[]) {
  const child = spawn("mpirun", mpirunArgs(np, args), { env: ENV, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return { child, exited };
}

/** The pid of rank `rank` of the job whose command line contains `marker`, or null while there is none. */
export function rankPid(rank: number, marker: string): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!cmdline.includes(CLI) || !cmdline.includes(marker)) continue;
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (env.includes(`OMPI_COMM_WORLD_RANK=${rank}`)) return Number(entry);
    } catch {
      // The process ended while being read.
    }
  }
  return null;
}
