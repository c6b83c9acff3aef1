// The options a run's result depends on, kept with every checkpoint: --resume continues only the run that
// wrote the checkpoint, and refuses any other, listing each option that differs with both values.
import { readCheckpointOptions } from "./checkpoint.ts";

export type OptionValue = string | number | boolean | null | OptionValue[];
export type RunOptions = Record<string, OptionValue>;

const show = (v: OptionValue | undefined) => (v === undefined ? "(not recorded)" : JSON.stringify(v));

/** Micro-batches per step over all ranks (a run recorded before data parallelism had one rank). */
const slots = (o: RunOptions) => Number(o.worldSize ?? 1) * Number(o.gradAccum);

/** "name: old → new" for each option whose values differ; with `only`, just those names are compared. The
 * number of ranks may change when ranks × accumulation stays the same (the batch size is compared as usual, so
 * the global batch is the same): the run sees the same micro-batches and dropout masks, summed in another
 * order. */
function optionChanges(saved: RunOptions, now: RunOptions, only?: readonly string[]): string[] {
  const names = only ?? [...new Set([...Object.keys(saved), ...Object.keys(now)])];
  const regrouped = slots(saved) === slots(now);
  return names
    .filter((k) => !(regrouped && (k === "worldSize" || k === "gradAccum")))
    .filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k}: ${show(saved[k])} → ${show(now[k])}`);
}

/** Throws unless the checkpoint was written with the same options. `only` limits the comparison to the
 * options known at the time of the call (a stage checks before the trainer has counted its steps). */
export function refuseChangedRun(checkpointDir: string, now: RunOptions, only?: readonly string[]): void {
  const saved = readCheckpointOptions(checkpointDir);
  if (!saved)
    throw new Error(
      `${checkpointDir}: cannot resume: the checkpoint does not record the options it was trained with ` +
        "(written by an earlier lntune); start the run again in a new output directory",
    );
  const changes = optionChanges(saved, now, only);
  if (changes.length)
    throw new Error(
      `${checkpointDir}: cannot resume: these options differ from the run that wrote the checkpoint ` +
        `(checkpoint → now):\n  ${changes.join("\n  ")}\n` +
        (changes.some((c) => c.startsWith("worldSize:"))
          ? `On another number of ranks, ranks × --grad-accum must stay ${slots(saved)} (the global batch).\n`
          : "") +
        "Resume with the original options, or start a new run in another output directory.",
    );
}
