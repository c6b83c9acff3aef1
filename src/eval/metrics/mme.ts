// MME scores following the official `eval_tool/calculation.py`.

// Official subtask names and order; each is read from `<name>.txt`.
export const MME_SUBTASKS: Record<"perception" | "cognition", readonly string[]> = {
  perception: "existence count position color posters celebrity scene landmark artwork OCR".split(" "),
  cognition: "commonsense_reasoning numerical_calculation text_translation code_reasoning".split(" "),
};

export type MmeAnswer = "yes" | "no" | "other";

/**
 * Official parsing: lowercase; exactly "yes"/"no" is kept; otherwise the first four characters
 * (code points, as Python slices) decide ("yes" before "no"), else "other", never correct.
 */
export function parseMmeAnswer(prediction: string): MmeAnswer {
  const pred = prediction.toLowerCase();
  if (pred === "yes" || pred === "no") return pred;
  const prefix = [...pred].slice(0, 4).join("");
  if (prefix.includes("yes")) return "yes";
  if (prefix.includes("no")) return "no";
  return "other";
}

export interface MmeSubtaskScore {
  /** Fraction of parsed questions answered correctly. */
  acc: number;
  /** Fraction of images whose two questions are both correct. */
  accPlus: number;
  /** 100 * acc + 100 * accPlus (max 200). */
  score: number;
  images: number;
  questions: number;
  /** Answers parsed as neither yes nor no. */
  other: number;
  /** Lines without exactly four tab-separated fields, skipped (calculation.py stops on them). */
  skipped: number;
}

/**
 * Scores one subtask file's lines (`image \t question \t gt \t prediction`); consecutive lines are
 * the two questions of one image. Throws on an odd line count or a ground truth other than yes/no,
 * where upstream's assertions stop.
 */
export function mmeSubtaskScore(lines: readonly string[]): MmeSubtaskScore {
  if (lines.length === 0) throw new Error("no answer lines");
  if (lines.length % 2 !== 0)
    throw new Error(`odd number of lines (${lines.length}); expected pairs per image`);
  let correct = 0;
  let questions = 0;
  let bothCorrect = 0;
  let other = 0;
  let skipped = 0;
  for (let i = 0; i < lines.length; i += 2) {
    let imageCorrect = 0;
    for (const [offset, line] of [lines[i], lines[i + 1]].entries()) {
      const fields = line.split("\t");
      if (fields.length !== 4) {
        skipped++;
        continue;
      }
      const gt = fields[2].toLowerCase();
      if (gt !== "yes" && gt !== "no") {
        throw new Error(`line ${i + offset + 1}: ground truth "${fields[2]}" is neither yes nor no`);
      }
      const pred = parseMmeAnswer(fields[3]);
      questions++;
      if (pred === "other") other++;
      if (pred === gt) {
        correct++;
        imageCorrect++;
      }
    }
    if (imageCorrect === 2) bothCorrect++;
  }
  const images = lines.length / 2;
  // Upstream cannot score a file whose lines were all skipped; its accuracy is reported as 0 here.
  const acc = questions === 0 ? 0 : correct / questions;
  const accPlus = bothCorrect / images;
  return { acc, accPlus, score: acc * 100 + accPlus * 100, images, questions, other, skipped };
}

export interface MmeGroupScore {
  /** Sum of the present subtasks' scores. */
  total: number;
  subtasks: Record<string, MmeSubtaskScore>;
  missing: string[];
}

export interface MmeScores {
  perception: MmeGroupScore;
  cognition: MmeGroupScore;
  /** Subtasks scored, perception first, in the official order. */
  present: string[];
}

/** Totals per group over the subtasks given (keyed by subtask name); absent ones are listed as missing. */
export function mmeScores(subtaskLines: ReadonlyMap<string, readonly string[]>): MmeScores {
  const group = (names: readonly string[]): MmeGroupScore => {
    const result: MmeGroupScore = { total: 0, subtasks: {}, missing: [] };
    for (const name of names) {
      const lines = subtaskLines.get(name);
      if (!lines) {
        result.missing.push(name);
        continue;
      }
      let score: MmeSubtaskScore;
      try {
        score = mmeSubtaskScore(lines);
      } catch (err) {
        throw new Error(`${name}.txt: ${err instanceof Error ? err.message : String(err)}`);
      }
      result.subtasks[name] = score;
      result.total += score.score;
    }
    return result;
  };
  const perception = group(MME_SUBTASKS.perception);
  const cognition = group(MME_SUBTASKS.cognition);
  const present = [...Object.keys(perception.subtasks), ...Object.keys(cognition.subtasks)];
  return { perception, cognition, present };
}
