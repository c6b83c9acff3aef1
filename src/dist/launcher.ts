// Which launcher started this process as one rank of several, read from the variables each one sets:
// Open MPI's mpirun (OMPI_COMM_WORLD_SIZE/RANK), a PMI launcher such as MPICH's hydra or srun --mpi=pmi2
// (PMI_SIZE/RANK), and Slurm's srun (SLURM_NTASKS/PROCID). Slurm sets SLURM_NTASKS for a whole allocation,
// in the batch script too, so those count only inside a job step (SLURM_STEP_ID, which srun sets): a batch
// script running lntune directly is one process, not rank 0 of many.

export interface Launch {
  /** The launcher, for messages ("mpirun", "PMI", "srun"). */
  launcher: string;
  /** The variables that said so, e.g. "OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1". */
  variables: string;
  size: number;
  rank: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const LAUNCHERS = [
  { launcher: "mpirun", size: "OMPI_COMM_WORLD_SIZE", rank: "OMPI_COMM_WORLD_RANK" },
  { launcher: "PMI", size: "PMI_SIZE", rank: "PMI_RANK" },
  { launcher: "srun", size: "SLURM_NTASKS", rank: "SLURM_PROCID", only: "SLURM_STEP_ID" },
] as const;

function count(env: Env, name: string, min: number): number {
  const text = env[name]!;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min)
    throw new Error(`${name}=${text}: expected an integer >= ${min}`);
  return n;
}

/** The launch when this process is one of several ranks; null for a single process (no launcher, or one
 * rank). The first launcher whose variables are set wins. */
export function detectLaunch(env: Env): Launch | null {
  for (const l of LAUNCHERS) {
    if (env[l.size] === undefined || env[l.rank] === undefined) continue;
    if ("only" in l && env[l.only] === undefined) continue;
    const size = count(env, l.size, 1);
    const rank = count(env, l.rank, 0);
    if (rank >= size) throw new Error(`${l.rank}=${rank} is not below ${l.size}=${size}`);
    if (size === 1) return null;
    return { launcher: l.launcher, variables: `${l.size}=${size} ${l.rank}=${rank}`, size, rank };
  }
  return null;
}
