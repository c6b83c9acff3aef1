// Running lntune as several ranks on this machine for the data-parallel tests: Open MPI's mpirun on loopback,
// oversubscribed (more ranks than cores) and allowed to run as root (CI does). Without mpirun or an addon
// built with MPI, the tests fail saying what to install.
import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
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

/** One rank per entry (mpirun's MPMD form: rank r runs `lntune ARGS[r]`, with `env` set for that rank only). */
export interface RankLaunch {
  args: readonly string[];
  env?: Record<string, string>;
}

function mpmdArgs(ranks: ReadonlyArray<RankLaunch>): string[] {
  const apps = ranks.flatMap((r, i) => [
    ...(i > 0 ? [":"] : []),
    ...["-np", "1", "env", ...Object.entries(r.env ?? {}).map(([k, v]) => `${k}=${v}`)],
    ...[process.execPath, CLI, ...r.args],
  ]);
  return ["--oversubscribe", "--allow-run-as-root", ...apps];
}

/** One rank per argument list, to completion. */
export function lntuneRanks(
  args: ReadonlyArray<readonly string[]>,
  timeoutMs = 240_000,
): SpawnSyncReturns<string> {
  return spawnSync("mpirun", mpmdArgs(args.map((a) => ({ args: a }))), {
    encoding: "utf8",
    env: ENV,
    timeout: timeoutMs,
  });
}

/** `lntune` as one rank per entry, in the background; `exited` resolves with the status and stderr. */
export function lntuneAsync(ranks: ReadonlyArray<RankLaunch>) {
  const child = spawn("mpirun", mpmdArgs(ranks), { env: ENV, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return { child, exited };
}
