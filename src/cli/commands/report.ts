// `lntune report RUN_DIR...`: trainable parameters, memory and final loss of finished runs, side by side.
import type { Command } from "commander";
import { formatReport, readRun } from "../../train/report.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("compare finished training runs: trainable parameters, memory, final loss")
    .argument("<runs...>", "run directories (each with run.json)")
    .option("--json", "print the summaries as JSON")
    .action((dirs: string[], o: { json?: boolean }) => {
      const runs = dirs.map(readRun);
      process.stdout.write(o.json ? `${JSON.stringify(runs, null, 2)}\n` : `${formatReport(runs)}\n`);
    });
}
