#!/usr/bin/env python3
"""MME goldens from the benchmark's own eval_tool/calculation.py.

Writes prediction sets under test/fixtures/eval/mme/official/<set>/ (one <subtask>.txt per MME
subtask, lines `image \\t question \\t ground truth \\t prediction`, as calculation.py reads them)
and test/fixtures/eval/mme/official/expected.json with what calculation.py computes on each set.

Usage (not run in CI; needs scikit-learn, which calculation.py imports):
  1. Take eval_tool.zip from the Evaluation branch of github.com/BradyFU/Awesome-Multimodal-Large-
     Language-Models (tools/eval_tool.zip) and unzip it.
  2. python3 tools/mme_goldens.py --calculation eval_tool/calculation.py

calculation.py runs unmodified: its calculate_metrics().process_result(set_dir) prints each
group's total and each subtask's score, which are parsed; the per-subtask dictionaries that its
compute_metric returns (process_result adds "acc_plus" to them) are recorded on the way out to
give acc, acc+ and the number of "other" answers too.
"""
import argparse
import contextlib
import importlib.util
import io
import json
import os
import random
import re

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "eval", "mme", "official")

YES = ["Yes", "yes", "YES", "Yes.", "Yes, there is a dog in the image.", "yesterday", "eyes", " yes", "yes "]
NO = ["No", "no", "NO", "nO", "No.", "No, there is not.", "Not sure", "none", "Nope", "know", "nor"]
# Parsed as neither: only the first four characters (code points) of the lowercased answer count.
OTHER = ["Maybe", "I think yes", "", "  yes", "The answer is no", "Y", "n", "ye", "\U0001F642 yes",
         "\u0130yes", "Unknown", "cannot tell"]
# Four code points that hold "yes": a yes, though its first four UTF-16 units do not.
ASTRAL_YES = "\U0001F642yes"
GROUND_TRUTHS = {"yes": ["Yes", "yes", "YES"], "no": ["No", "no", "NO"]}


def load_calculation(path):
    spec = importlib.util.spec_from_file_location("calculation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official_scores(module, results_dir):
    metrics = []

    class Recording(module.calculate_metrics):
        def compute_metric(self, gts, preds):
            d = super().compute_metric(gts, preds)
            metrics.append(d)
            return d

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        Recording().process_result(results_dir)
    printed = out.getvalue()
    groups = {}
    names = [n for task_names in module.eval_type_dict.values() for n in task_names]
    by_name = dict(zip(names, metrics))
    for group, task_names in module.eval_type_dict.items():
        block = printed.split("=========== %s ===========" % group)[1].split("===========")[0]
        total = float(re.search(r"total score: (\S+)", block).group(1))
        subtasks = {}
        for name in task_names:
            score = float(re.search(r"\t %s  score: (\S+)" % re.escape(name), block).group(1))
            d = by_name[name]
            assert score == d["acc"] * 100 + d["acc_plus"] * 100
            subtasks[name] = {"acc": float(d["acc"]), "accPlus": float(d["acc_plus"]),
                              "other": int(d["other_num"]), "score": score}
        groups[group.lower()] = {"total": total, "subtasks": subtasks}
    return groups


def write_subtask(path, rows, newline, final_newline=True):
    text = newline.join("\t".join(row) for row in rows) + (newline if final_newline else "")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def answer_for(correct, gt, rng):
    if correct:
        return rng.choice(YES if gt == "yes" else NO)
    return rng.choice(OTHER + (NO if gt == "yes" else YES))


def answers_set(module, directory):
    """Every answer form on every subtask, with images answered both, one or neither right."""
    rng = random.Random(1)
    pool = YES + NO + OTHER + [ASTRAL_YES]
    names = [n for task_names in module.eval_type_dict.values() for n in task_names]
    for k, name in enumerate(names):
        rows = []
        for i in range(3 + k % 4):
            image = "%s_%d.jpg" % (name, i)
            for q, gt in enumerate(["yes", "no"] if (i + k) % 2 == 0 else ["no", "yes"]):
                pred = pool[(k * 7 + i * 2 + q) % len(pool)]
                if (i + q) % 3 == 0:  # force a right answer now and then so that images come out whole
                    pred = rng.choice(YES if gt == "yes" else NO)
                rows.append([image, "Question %d? Please answer yes or no." % q, rng.choice(GROUND_TRUTHS[gt]), pred])
        newline = {0: "\r\n", 1: "\r"}.get(k % 5, "\n")
        write_subtask(os.path.join(directory, name + ".txt"), rows, newline, final_newline=k % 3 != 2)


def random_set(module, directory):
    """Seeded random answers, right about two times in three."""
    rng = random.Random(2)
    for task_names in module.eval_type_dict.values():
        for name in task_names:
            rows = []
            for i in range(rng.randint(5, 40)):
                for q in range(2):
                    gt = rng.choice(["yes", "no"])
                    pred = answer_for(rng.random() < 0.65, gt, rng)
                    rows.append(["%s/%04d.png" % (name, i), "Question %d?" % q, rng.choice(GROUND_TRUTHS[gt]), pred])
            write_subtask(os.path.join(directory, name + ".txt"), rows, "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calculation", required=True, help="MME eval_tool/calculation.py")
    args = parser.parse_args()
    module = load_calculation(args.calculation)
    expected = {}
    for set_name, make in [("answers", answers_set), ("random", random_set)]:
        directory = os.path.join(OUT, set_name)
        os.makedirs(directory, exist_ok=True)
        make(module, directory)
        expected[set_name] = official_scores(module, directory)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
