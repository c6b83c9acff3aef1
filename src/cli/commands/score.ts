// `lntune score <benchmark>`: official-style metrics from answer files already written by evaluation.
import type { Command } from "commander";
import { scoreCaptionFiles } from "../../eval/score_caption_files.ts";
import { scoreMmeDir } from "../../eval/score_mme_dir.ts";
import { scorePopeFiles } from "../../eval/score_pope_files.ts";
import { scoreVqaFiles } from "../../eval/score_vqa_files.ts";

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Left-aligned first column, right-aligned values. */
function printTable(header: string[], rows: string[][]): void {
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  for (const row of cells) {
    const line = row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    process.stdout.write(`${line.trimEnd()}\n`);
  }
}

const fixed2 = (value: number) => value.toFixed(2);
const fixed4 = (value: number) => value.toFixed(4);

export function registerScore(program: Command): void {
  const score = program
    .command("score")
    .description("score answer files with the benchmarks' official metrics");

  score
    .command("vqa")
    .description("VQAv2 accuracy (official VQA evaluation), in percent")
    .requiredOption("--questions <file>", "VQAv2 questions JSON")
    .requiredOption("--annotations <file>", "VQAv2 annotations JSON")
    .requiredOption("--results <file>", "results JSON [{question_id, answer}]")
    .option("--json", "print one JSON object")
    .action((o: { questions: string; annotations: string; results: string; json?: boolean }) => {
      const r = scoreVqaFiles(o.questions, o.annotations, o.results);
      if (o.json) {
        printJson({ overall: r.overall, perAnswerType: r.perAnswerType, perQuestion: r.perQuestion });
        return;
      }
      process.stdout.write(`VQA accuracy over ${r.questions} of ${r.annotated} annotated questions\n`);
      printTable(
        ["answer type", "accuracy %"],
        [["overall", fixed2(r.overall)], ...Object.entries(r.perAnswerType).map(([k, v]) => [k, fixed2(v)])],
      );
    });

  score
    .command("caption")
    .description("BLEU-1..4, ROUGE-L and CIDEr-D as pycocoevalcap computes them")
    .requiredOption("--annotations <file>", "COCO-format captions JSON {images, annotations}")
    .requiredOption("--results <file>", "results JSON [{image_id, caption}]")
    .option("--json", "print one JSON object")
    .action((o: { annotations: string; results: string; json?: boolean }) => {
      const r = scoreCaptionFiles(o.annotations, o.results);
      if (o.json) {
        printJson(r);
        return;
      }
      process.stdout.write(
        `caption scores over ${r.images} images (pycocoevalcap scale; papers print x100)\n`,
      );
      const keys = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"] as const;
      printTable(
        ["metric", "score"],
        keys.map((k) => [k, fixed4(r[k])]),
      );
    });

  score
    .command("pope")
    .description("POPE accuracy, precision, recall, F1 and yes-ratio per split")
    .requiredOption("--questions <files...>", "POPE split files coco_pope_<split>.json (JSON lines)")
    .requiredOption("--answers <file>", "answers JSON lines {question_id, text|answer[, category]}")
    .option("--json", "print one JSON object")
    .action((o: { questions: string[]; answers: string; json?: boolean }) => {
      const r = scorePopeFiles(o.questions, o.answers);
      if (o.json) {
        printJson(r);
        return;
      }
      printTable(
        ["split", "accuracy", "precision", "recall", "f1", "yes ratio", "answered", "unanswered"],
        Object.entries(r.splits).map(([name, m]) => [
          name,
          ...[m.accuracy, m.precision, m.recall, m.f1, m.yesRatio].map(fixed4),
          String(m.total),
          String(m.unanswered),
        ]),
      );
      if (r.skippedAnswers > 0) process.stdout.write(`skipped ${r.skippedAnswers} answers of other splits\n`);
    });

  score
    .command("mme")
    .description("MME perception and cognition scores (official calculation)")
    .requiredOption("--results-dir <dir>", "directory of <subtask>.txt files")
    .option("--json", "print one JSON object")
    .action((o: { resultsDir: string; json?: boolean }) => {
      const r = scoreMmeDir(o.resultsDir);
      // The official script cannot read a line without four tab-separated fields; say which were left out.
      for (const [name, s] of Object.entries({ ...r.perception.subtasks, ...r.cognition.subtasks }))
        if (s.skipped > 0)
          process.stderr.write(`${name}.txt: skipped ${s.skipped} lines without 4 tab-separated fields\n`);
      if (o.json) {
        printJson(r);
        return;
      }
      for (const [label, group] of [
        ["perception", r.perception],
        ["cognition", r.cognition],
      ] as const) {
        printTable(
          [label, "score", "acc", "acc+", "other"],
          [
            ...Object.entries(group.subtasks).map(([name, s]) => [
              name,
              fixed2(s.score),
              fixed4(s.acc),
              fixed4(s.accPlus),
              String(s.other),
            ]),
            ["total", fixed2(group.total), "", "", ""],
          ],
        );
        if (group.missing.length > 0) process.stdout.write(`missing: ${group.missing.join(", ")}\n`);
        process.stdout.write("\n");
      }
    });
}
