// `lntune demo`: the sandbox run of the paper's pipeline (see src/sandbox/demo.ts).
import { type Command, Option } from "commander";
import { formatDemoTable, runDemo } from "../../sandbox/demo.ts";
import { METHODS, type MethodName } from "../../tuning/methods.ts";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("train and evaluate a tiny LLaVA on a synthetic shapes world with the paper's methods")
    .option("--dir <dir>", "work directory", "lntune-demo")
    .addOption(
      new Option("--methods <list>", "comma-separated stage-2 methods, or 'all'").default("ln,ln-simp"),
    )
    .option("--seed <n>", "seed", (v) => Number.parseInt(v, 10), 0)
    .option("--train <n>", "training images", (v) => Number.parseInt(v, 10), 512)
    .option("--eval <n>", "held-out images (3 questions each)", (v) => Number.parseInt(v, 10), 100)
    .option("--quiet", "no progress display")
    .action(async (o) => {
      const names =
        o.methods === "all"
          ? ["full", "lora", "attn-qv", "attn-mlp", "ln", "ln-simp"]
          : String(o.methods).split(",");
      for (const n of names) if (!(n in METHODS)) throw new Error(`unknown method "${n}"`);
      const rows = await runDemo({
        dir: o.dir,
        methods: names as MethodName[],
        seed: o.seed,
        train: o.train,
        eval: o.eval,
        quiet: !!o.quiet,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      process.stdout.write(`${formatDemoTable(rows)}\n`);
    });
}
