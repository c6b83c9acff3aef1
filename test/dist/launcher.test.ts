// Which launcher started a process as one rank of several, from the variables Open MPI's mpirun, PMI
// launchers and Slurm's srun set (names as their documentation gives them).
import assert from "node:assert/strict";
import { test } from "node:test";
import { detectLaunch } from "../../src/dist/launcher.ts";

test("mpirun, PMI and srun ranks are read from their variables", () => {
  assert.deepEqual(detectLaunch({ OMPI_COMM_WORLD_SIZE: "4", OMPI_COMM_WORLD_RANK: "3" }), {
    launcher: "mpirun",
    variables: "OMPI_COMM_WORLD_SIZE=4 OMPI_COMM_WORLD_RANK=3",
    size: 4,
    rank: 3,
  });
  assert.deepEqual(detectLaunch({ PMI_SIZE: "2", PMI_RANK: "0" }), {
    launcher: "PMI",
    variables: "PMI_SIZE=2 PMI_RANK=0",
    size: 2,
    rank: 0,
  });
  assert.deepEqual(detectLaunch({ SLURM_NTASKS: "8", SLURM_PROCID: "5", SLURM_STEP_ID: "0" }), {
    launcher: "srun",
    variables: "SLURM_NTASKS=8 SLURM_PROCID=5",
    size: 8,
    rank: 5,
  });
});

test("Open MPI's variables win over Slurm's when mpirun runs inside an allocation", () => {
  const env = {
    SLURM_NTASKS: "8",
    SLURM_PROCID: "0",
    SLURM_STEP_ID: "0",
    OMPI_COMM_WORLD_SIZE: "2",
    OMPI_COMM_WORLD_RANK: "1",
  };
  assert.equal(detectLaunch(env)?.launcher, "mpirun");
  assert.equal(detectLaunch(env)?.rank, 1);
});

test("one process: no launcher, a launch of one rank, or a Slurm batch script outside any srun step", () => {
  assert.equal(detectLaunch({}), null);
  assert.equal(detectLaunch({ OMPI_COMM_WORLD_SIZE: "1", OMPI_COMM_WORLD_RANK: "0" }), null);
  assert.equal(detectLaunch({ SLURM_NTASKS: "4", SLURM_PROCID: "0" }), null);
});

test("malformed launcher variables are refused, naming the variable", () => {
  assert.throws(
    () => detectLaunch({ OMPI_COMM_WORLD_SIZE: "two", OMPI_COMM_WORLD_RANK: "0" }),
    /OMPI_COMM_WORLD_SIZE=two: expected an integer >= 1/,
  );
  assert.throws(
    () => detectLaunch({ PMI_SIZE: "2", PMI_RANK: "-1" }),
    /PMI_RANK=-1: expected an integer >= 0/,
  );
  assert.throws(() => detectLaunch({ PMI_SIZE: "2", PMI_RANK: "2" }), /PMI_RANK=2 is not below PMI_SIZE=2/);
});
