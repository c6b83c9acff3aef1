// The process group a command runs in: one process, or the ranks an MPI launcher started (launcher.ts), with
// the few collectives data parallelism needs, over the addon's MPI (native/mpi.cc). Rank 0 is the root: it
// alone reads and writes run files; the others receive what it read.
import { availableParallelism } from "node:os";
import { kernels } from "../backend/index.ts";
import { type NativeMpi, nativeMpi } from "../backend/native.ts";
import { detectLaunch } from "./launcher.ts";

export interface World {
  readonly rank: number;
  readonly size: number;
  /** Rank 0, which writes the run's files. */
  readonly isRoot: boolean;
  /** Sums `data` over all ranks, in place on every rank. */
  allreduceSum(data: Float32Array): void;
  /** Overwrites `data` on every rank with the root's (the same length everywhere). */
  broadcast(data: ArrayBufferView): void;
  /** The root's value on every rank (as JSON). */
  broadcastJson<T>(value: T): T;
  /** Every rank's value on the root, by rank (as JSON); null on the other ranks. */
  gatherJson<T>(value: T): T[] | null;
  barrier(): void;
}

export const SINGLE_PROCESS: World = {
  rank: 0,
  size: 1,
  isRoot: true,
  allreduceSum() {},
  broadcast() {},
  broadcastJson: (value) => value,
  gatherJson: (value) => [value],
  barrier() {},
};

class MpiWorld implements World {
  readonly isRoot: boolean;

  constructor(
    private readonly mpi: NativeMpi,
    readonly rank: number,
    readonly size: number,
  ) {
    this.isRoot = rank === 0;
  }

  allreduceSum(data: Float32Array): void {
    this.mpi.mpiAllreduceSum(data);
  }

  broadcast(data: ArrayBufferView): void {
    this.mpi.mpiBcast(data, 0);
  }

  broadcastJson<T>(value: T): T {
    const bytes = this.isRoot ? Buffer.from(JSON.stringify(value), "utf8") : null;
    const length = Float64Array.of(bytes?.length ?? 0);
    this.mpi.mpiBcast(length, 0);
    const data = bytes ?? new Uint8Array(length[0]);
    this.mpi.mpiBcast(data, 0);
    return this.isRoot ? value : (JSON.parse(Buffer.from(data).toString("utf8")) as T);
  }

  gatherJson<T>(value: T): T[] | null {
    const parts = this.mpi.mpiGather(Buffer.from(JSON.stringify(value), "utf8"), 0);
    return parts ? parts.map((p) => JSON.parse(Buffer.from(p).toString("utf8")) as T) : null;
  }

  barrier(): void {
    this.mpi.mpiBarrier();
  }

  /** Ends every rank of the job with this status (MPI_Abort). */
  abort(code: number): void {
    this.mpi.mpiAbort(code);
  }

  finalize(): void {
    this.mpi.mpiFinalize();
  }
}

const INSTALL_MPI =
  "install Open MPI (Debian/Ubuntu: apt-get install -y openmpi-bin libopenmpi-dev) and rebuild the addon " +
  "(npm install, or npx node-gyp rebuild), or run lntune as a single process";

/** The world `env` describes: one process, or this rank of an MPI job (MPI initialised here). `loadMpi`
 * gives the addon's MPI, null when the addon was built without it. While LNTUNE_THREADS is unset, the ranks
 * on one node share its cores. */
export function initWorld(
  env: Readonly<Record<string, string | undefined>>,
  loadMpi: () => NativeMpi | null,
): World {
  const launch = detectLaunch(env);
  if (!launch) return SINGLE_PROCESS;
  const started = `started as rank ${launch.rank} of ${launch.size} by ${launch.launcher} (${launch.variables})`;
  let mpi: NativeMpi | null;
  try {
    mpi = loadMpi();
  } catch (err) {
    throw new Error(`${started}, but the native addon cannot load: ${(err as Error).message}`);
  }
  if (!mpi) throw new Error(`${started}, but lntune's native addon was built without MPI: ${INSTALL_MPI}`);
  const info = mpi.mpiInit();
  if (info.size !== launch.size || info.rank !== launch.rank)
    throw new Error(
      `${started}, but MPI (${info.library}) sees rank ${info.rank} of ${info.size}: the addon was built ` +
        "against another MPI than the launcher's; rebuild it where the launcher's MPI is installed",
    );
  if (!env.LNTUNE_THREADS)
    kernels().setThreads(Math.max(1, Math.floor(availableParallelism() / info.localSize)));
  return new MpiWorld(mpi, info.rank, info.size);
}

let current: World | undefined;

/** This process's world, set up on first use from its environment and the addon. */
export function processWorld(): World {
  current ??= initWorld(process.env, nativeMpi);
  return current;
}

/** The world processWorld set up, if a command asked for one. */
export function startedWorld(): World | undefined {
  return current;
}

/** Leaves the world at the end of a command: MPI is finalized after success (`code` 0) or a stop that every
 * rank made together (`collective`); otherwise the whole job is aborted with `code`, so that no rank waits
 * for one that failed. Does nothing for a single process. */
export function leaveProcessWorld(code: number, collective: boolean): void {
  if (!(current instanceof MpiWorld)) return;
  if (code === 0 || collective) current.finalize();
  else current.abort(code);
}
