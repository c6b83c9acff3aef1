// Setting up a command's world: one process without a launcher, and under a launcher MPI through the addon,
// with clear errors when the addon has no MPI or its MPI disagrees with the launcher. (The collectives
// themselves run under mpirun in test/train/data_parallel.test.ts and test/eval/harness_distributed.test.ts.)
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { kernels } from "../../src/backend/index.ts";
import type { NativeMpi } from "../../src/backend/native.ts";
import { initWorld, SINGLE_PROCESS } from "../../src/dist/world.ts";

const LAUNCHED = { OMPI_COMM_WORLD_SIZE: "2", OMPI_COMM_WORLD_RANK: "1" };

/** An addon's MPI whose mpiInit reports `info`; no collective may be called. */
function fakeMpi(info: { rank: number; size: number; localSize: number }): NativeMpi {
  const no = () => assert.fail("no collective expected");
  return {
    mpiInit: () => ({ ...info, library: "Fake MPI v0" }),
    mpiAllreduceSum: no,
    mpiBcast: no,
    mpiGather: no,
    mpiBarrier: no,
    mpiAbort: no,
    mpiFinalize: no,
  };
}

test("without a launcher a command runs as one process and MPI is not touched", () => {
  const world = initWorld({}, () => assert.fail("MPI loaded"));
  assert.equal(world, SINGLE_PROCESS);
  assert.deepEqual([world.rank, world.size, world.isRoot], [0, 1, true]);
  assert.deepEqual(world.gatherJson({ a: 1 }), [{ a: 1 }]);
  assert.deepEqual(world.broadcastJson([1, 2]), [1, 2]);
});

test("a distributed launch with an addon built without MPI says what to install", () => {
  assert.throws(
    () => initWorld(LAUNCHED, () => null),
    (e: Error) => {
      assert.match(
        e.message,
        /started as rank 1 of 2 by mpirun \(OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1\)/,
      );
      assert.match(e.message, /native addon was built without MPI/);
      assert.match(e.message, /apt-get install -y openmpi-bin libopenmpi-dev/);
      assert.match(e.message, /npx node-gyp rebuild/);
      return true;
    },
  );
  assert.throws(
    () =>
      initWorld(LAUNCHED, () => {
        throw new Error("cannot load build/Release/lntune_native.node");
      }),
    /started as rank 1 of 2 by mpirun .*, but the native addon cannot load: cannot load build/,
  );
});

test("an MPI that sees another world than the launcher's (a different MPI) is refused", () => {
  assert.throws(
    () => initWorld(LAUNCHED, () => fakeMpi({ rank: 0, size: 1, localSize: 1 })),
    /but MPI \(Fake MPI v0\) sees rank 0 of 1: the addon was built against another MPI than the launcher's/,
  );
});

test("the ranks of one node share its cores unless LNTUNE_THREADS is set", () => {
  const before = kernels().threads();
  try {
    const world = initWorld(LAUNCHED, () => fakeMpi({ rank: 1, size: 2, localSize: 2 }));
    assert.deepEqual([world.rank, world.size, world.isRoot], [1, 2, false]);
    // The TypeScript kernels run on one thread whatever is asked.
    const shared = Math.max(1, Math.floor(availableParallelism() / 2));
    assert.equal(kernels().threads(), kernels().name === "native" ? shared : 1);
    kernels().setThreads(before);
    initWorld({ ...LAUNCHED, LNTUNE_THREADS: "3" }, () => fakeMpi({ rank: 1, size: 2, localSize: 2 }));
    assert.equal(kernels().threads(), before, "LNTUNE_THREADS set: the thread count is left alone");
  } finally {
    kernels().setThreads(before);
  }
});
