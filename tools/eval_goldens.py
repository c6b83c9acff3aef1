#!/usr/bin/env python3
"""Regenerates test/fixtures/eval/*/expected.json with the official metric code.

Usage (not run in CI; each part runs when its sources are given):
  python3 tools/eval_goldens.py --vqa-eval VQA/PythonEvaluationTools/vqaEvaluation/vqaEval.py \
      --pycocoevalcap pycocoevalcap --corenlp-git CoreNLP/.git --pope-evaluate POPE/evaluate.py

  --vqa-eval       GT-Vision-Lab/VQA vqaEval.py (Python 2 source; its print statements are blanked)
  --pycocoevalcap  directory of the Python 3 pycocoevalcap package (bleu/, rouge/, cider/, tokenizer/)
  --corenlp-git    git directory of a stanfordnlp/CoreNLP clone: its PTBTokenizer is built at v3.4.1
                   by tools/corenlp_ptb.py and run through pycocoevalcap's tokenizer/ptbtokenizer.py,
                   as COCOEvalCap does, so the caption goldens need no prebuilt jar
  --pope-evaluate  AoiDragon/POPE evaluate.py (its ans_file/label_file assignments are filled in)

Needs numpy, git and a JDK.
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


def caption_goldens(pkg, corenlp_git):
    sys.path.insert(0, pkg)
    from bleu.bleu import Bleu
    from cider.cider import Cider
    from rouge.rouge import Rouge

    from corenlp_ptb import CoreNlpPtb

    data = json.load(open(fixture("caption", "annotations.json")))
    results = json.load(open(fixture("caption", "results.json")))
    # COCOEvalCap with params['image_id'] = cocoRes.getImgIds(): result images in annotation order,
    # references and candidates each tokenised in one call.
    scored = [img["id"] for img in data["images"] if img["id"] in {r["image_id"] for r in results}]
    gts = {i: [a for a in data["annotations"] if a["image_id"] == i] for i in scored}
    res = {i: [r for r in results if r["image_id"] == i] for i in scored}
    with CoreNlpPtb(corenlp_git, pkg) as ptb:
        gts = ptb.tokenizer.tokenize(gts)
        res = ptb.tokenizer.tokenize(res)
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
    parser.add_argument("--vqa-eval")
    parser.add_argument("--pycocoevalcap")
    parser.add_argument("--corenlp-git")
    parser.add_argument("--pope-evaluate")
    args = parser.parse_args()
    if args.vqa_eval:
        vqa_goldens(args.vqa_eval)
    if args.pycocoevalcap and args.corenlp_git:
        caption_goldens(args.pycocoevalcap, args.corenlp_git)
    if args.pope_evaluate:
        pope_goldens(args.pope_evaluate)
