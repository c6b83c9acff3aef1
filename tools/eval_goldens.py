#!/usr/bin/env python3
"""Regenerates test/fixtures/eval/*/expected.json with the official metric code.

Usage (not run in CI):
  python3 tools/eval_goldens.py --vqa-eval VQA/PythonEvaluationTools/vqaEvaluation/vqaEval.py \
      --pycocoevalcap pycocoevalcap --pope-evaluate POPE/evaluate.py

  --vqa-eval       GT-Vision-Lab/VQA vqaEval.py (Python 2 source; its print statements are blanked)
  --pycocoevalcap  directory of the Python 3 pycocoevalcap package (bleu/, rouge/, cider/)
  --pope-evaluate  AoiDragon/POPE evaluate.py (its ans_file/label_file assignments are filled in)

Needs numpy. The caption fixtures only use letters, digits, spaces, commas and final periods, for
which Stanford PTBTokenizer output is simply: lowercase, drop "," and ".", split on spaces; that
tokenisation is applied here because the CoreNLP jar is not required.
"""
import argparse
import contextlib
import io
import json
import os
import re
import sys
import tempfile

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "eval")


def load_module_source(path, name, namespace=None):
    source = open(path).read()
    if name == "vqaEval":
        source = re.sub(r"^(\s*)print (.*)$", r"\1pass", source, flags=re.M)
    scope = dict(namespace or {}, __name__=name)
    exec(compile(source, path, "exec"), scope)
    return scope


def fixture(*parts):
    return os.path.join(FIXTURES, *parts)


def vqa_goldens(vqa_eval_path):
    VQAEval = load_module_source(vqa_eval_path, "vqaEval")["VQAEval"]
    anns = json.load(open(fixture("vqa", "annotations.json")))["annotations"]
    results = json.load(open(fixture("vqa", "results.json")))

    class Holder:
        def __init__(self, qa):
            self.qa = qa

        def getQuesIds(self):
            return list(self.qa.keys())

    gt = Holder({a["question_id"]: a for a in anns})
    res = Holder({r["question_id"]: r for r in results})
    ev = VQAEval(gt, res, n=2)
    with contextlib.redirect_stdout(io.StringIO()):
        ev.evaluate()
    out = {
        "overall": ev.accuracy["overall"],
        "perAnswerType": ev.accuracy["perAnswerType"],
        "perQuestionType": ev.accuracy["perQuestionType"],
        "perQuestion": {str(k): v for k, v in ev.evalQA.items()},
    }
    json.dump(out, open(fixture("vqa", "expected.json"), "w"), indent=1)
    texts = [
        "a." * 40, "Dont.", "it's 3.5 or .5", "1,2 a;b", "yes!", "x - y", "(hi) there", "a/b\\c",
        "Whats up?", "Id've", "somebody'd", "the Ten  dogs", "c++", "e-mail @home", "\"quoted\"",
        "one, two", "none of them", "Im here", "an apple a day", "tic_tac_toe", "5.", "a.b.c", "<tag>",
    ]
    normalised = [
        {"text": t, "punctuation": ev.processPunctuation(t), "digitArticle": ev.processDigitArticle(t)}
        for t in texts
    ]
    json.dump(normalised, open(fixture("vqa", "normalization.json"), "w"), indent=1)


def simple_ptb(caption):
    assert re.fullmatch(r"[A-Za-z0-9 ,]*\.?", caption), caption
    return " ".join(caption.lower().replace(",", " ").replace(".", " ").split())


def caption_goldens(pkg):
    sys.path.insert(0, pkg)
    from bleu.bleu import Bleu
    from cider.cider import Cider
    from rouge.rouge import Rouge

    data = json.load(open(fixture("caption", "annotations.json")))
    results = json.load(open(fixture("caption", "results.json")))
    scored = [img["id"] for img in data["images"] if img["id"] in {r["image_id"] for r in results}]
    gts = {i: [simple_ptb(a["caption"]) for a in data["annotations"] if a["image_id"] == i] for i in scored}
    res = {r["image_id"]: [simple_ptb(r["caption"])] for r in results}
    res = {i: res[i] for i in scored}
    out = {}
    with contextlib.redirect_stdout(io.StringIO()):
        bleu, _ = Bleu(4).compute_score(gts, res)
    for k in range(4):
        out["Bleu_%d" % (k + 1)] = bleu[k]
    out["ROUGE_L"], _ = Rouge().compute_score(gts, res)
    cider, per_image = Cider().compute_score(gts, res)
    out["CIDEr"] = cider
    out = {k: float(v) for k, v in out.items()}
    out["perImageCIDEr"] = {str(i): float(s) for i, s in zip(scored, per_image)}
    out["tokenized"] = {str(i): {"candidate": res[i][0], "references": gts[i]} for i in scored}
    json.dump(out, open(fixture("caption", "expected.json"), "w"), indent=1)


def pope_goldens(evaluate_path):
    answers = [json.loads(line) for line in open(fixture("pope", "answers.jsonl"))]
    out = {}
    for split in ["random", "popular"]:
        label_file = fixture("pope", "coco_pope_%s.json" % split)
        order = [json.loads(line)["question_id"] for line in open(label_file)]
        by_id = {a["question_id"]: a["text"] for a in answers if a["category"] == split}
        # POPE pairs answers with labels by position, so its answer file is written in label order.
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for q in order:
                f.write(json.dumps({"question": "", "answer": by_id[q]}) + "\n")
        source = open(evaluate_path).read()
        source = source.replace("ans_file = ''", "ans_file = %r" % f.name)
        source = source.replace("label_file = ''", "label_file = %r" % label_file)
        scope = {"__name__": "pope_evaluate"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, evaluate_path, "exec"), scope)
        os.unlink(f.name)
        out[split] = {
            "accuracy": scope["acc"], "precision": scope["precision"], "recall": scope["recall"],
            "f1": scope["f1"], "yesRatio": scope["yes_ratio"],
            "tp": scope["TP"], "fp": scope["FP"], "tn": scope["TN"], "fn": scope["FN"],
        }
    json.dump(out, open(fixture("pope", "expected.json"), "w"), indent=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--vqa-eval", required=True)
    parser.add_argument("--pycocoevalcap", required=True)
    parser.add_argument("--pope-evaluate", required=True)
    args = parser.parse_args()
    vqa_goldens(args.vqa_eval)
    caption_goldens(args.pycocoevalcap)
    pope_goldens(args.pope_evaluate)
