// The `lntune` command line: one file per sub-command under ./commands, registered here.
import { Command } from "commander";
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
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.stderr.write(`lntune: ${err instanceof Error ? err.message : String(err)}\n`);
    // Errors may carry their own status (an interrupted run exits 130, as shells expect after Ctrl-C).
    const code = (err as { exitCode?: unknown }).exitCode;
    process.exitCode = typeof code === "number" ? code : 1;
  }
}
