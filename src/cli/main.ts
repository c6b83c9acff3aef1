// The `lntune` command line: one file per sub-command under ./commands, registered here.
import { Command } from "commander";
import { detectLaunch } from "../dist/launcher.ts";
import { leaveProcessWorld, startedWorld } from "../dist/world.ts";
import { InterruptedError } from "../train/trainer.ts";
import { registerAnalyze } from "./commands/analyze.ts";
import { registerConvert } from "./commands/convert.ts";
import { registerData } from "./commands/data.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerEval } from "./commands/eval.ts";
import { registerGenerate } from "./commands/generate.ts";
import { registerInspect } from "./commands/inspect.ts";
import { registerMerge } from "./commands/merge.ts";
import { registerReport } from "./commands/report.ts";
import { registerScore } from "./commands/score.ts";
import { registerTrain } from "./commands/train.ts";

/** The commands that run data-parallel under an MPI launcher. */
const DISTRIBUTED = new Set(["pretrain", "finetune", "eval"]);

export async function main(argv: string[]): Promise<void> {
  const program = new Command("lntune")
    .description("LayerNorm tuning of LLaVA-style multimodal LLMs")
    .showHelpAfterError();
  // Sub-commands register themselves on `program`; keep this list sorted.
  const commands: Array<(p: Command) => void> = [
    registerAnalyze,
    registerConvert,
    registerData,
    registerDemo,
    registerEval,
    registerGenerate,
    registerInspect,
    registerMerge,
    registerReport,
    registerScore,
    registerTrain,
  ];
  for (const register of commands) register(program);
  // Under mpirun or srun, only these commands run as ranks of one job; any other would run N times over.
  program.hook("preAction", (_program, action) => {
    const launch = detectLaunch(process.env);
    if (launch && !DISTRIBUTED.has(action.name()))
      throw new Error(
        `${action.name()} runs as a single process, but this is rank ${launch.rank} of ${launch.size} ` +
          `(${launch.launcher}: ${launch.variables}); run it without ${launch.launcher}. ` +
          `Data-parallel commands: ${[...DISTRIBUTED].join(", ")}`,
      );
  });
  try {
    await program.parseAsync(argv);
    leaveProcessWorld(0, false);
  } catch (err) {
    const world = startedWorld();
    const rank = world && world.size > 1 ? ` (rank ${world.rank} of ${world.size})` : "";
    process.stderr.write(`lntune${rank}: ${err instanceof Error ? err.message : String(err)}\n`);
    // Errors may carry their own status (an interrupted run exits 130, as shells expect after Ctrl-C).
    const code = (err as { exitCode?: unknown }).exitCode;
    process.exitCode = typeof code === "number" ? code : 1;
    // Every rank stops together after an interruption; any other error ends the whole job.
    leaveProcessWorld(process.exitCode, err instanceof InterruptedError);
  }
}
