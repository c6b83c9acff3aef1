// Finds MPI for binding.gyp: `node native/mpi_flags.mjs found|compile|link` prints 1 or 0, the compiler
// flags, or the linker flags. MPI counts as found when Open MPI's wrapper (`mpicc --showme:…`) or pkg-config
// (ompi-c, then mpich) gives flags and mpi.h is in one of their include directories. LNTUNE_MPI=0 builds
// without MPI even where it is installed.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

function probe() {
  if (process.env.LNTUNE_MPI === "0") return null;
  const candidates = [
    () => ({ compile: run("mpicc", ["--showme:compile"]), link: run("mpicc", ["--showme:link"]) }),
    ...["ompi-c", "mpich"].map((pkg) => () => ({
      compile: run("pkg-config", ["--cflags", pkg]),
      link: run("pkg-config", ["--libs", pkg]),
    })),
  ];
  for (const candidate of candidates) {
    const { compile, link } = candidate();
    if (compile === null || link === null) continue;
    const includes = compile
      .split(/\s+/)
      .filter((f) => f.startsWith("-I"))
      .map((f) => f.slice(2));
    if ([...includes, "/usr/include"].some((dir) => existsSync(join(dir, "mpi.h")))) return { compile, link };
  }
  return null;
}

const found = probe();
const what = process.argv[2];
if (what === "found") process.stdout.write(found ? "1" : "0");
else if (what === "compile" || what === "link") process.stdout.write(found ? found[what] : "");
else {
  process.stderr.write("usage: node native/mpi_flags.mjs found|compile|link\n");
  process.exit(2);
}
