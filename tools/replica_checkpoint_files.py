"""Checkpoint files of the replicas as transformers writes them: shards split by its shard_checkpoint rule,
the index, torch.save'd .bin files, safetensors headers (the data section is written by the tests), and
JSON files; plus the counts `lntune inspect` must report. Used by make_replica_fixtures.py."""

import json
import os
from collections import OrderedDict

import torch

def nbytes(t):
    return t.numel() * t.element_size()


def shard_checkpoint(sd, max_shard_size):
    """transformers' shard_checkpoint: tensors in state-dict order, a new shard when the next tensor would
    tip the current one over max_shard_size (never leaving a shard empty)."""
    shards, current, size = [], OrderedDict(), 0
    for k, v in sd.items():
        if size + nbytes(v) > max_shard_size and current:
            shards.append(current)
            current, size = OrderedDict(), 0
        current[k] = v
        size += nbytes(v)
    shards.append(current)
    return shards


def split_like_published(sd, n):
    """Shards as save_pretrained makes them, with the smallest max_shard_size giving the published number
    of shards (the published files are split at 5 GB or 10 GB; the tiny replica at proportionally less)."""
    if n == 1:
        return [sd]
    lo, hi = max(nbytes(v) for v in sd.values()), sum(nbytes(v) for v in sd.values())
    while lo < hi:
        mid = (lo + hi) // 2
        if len(shard_checkpoint(sd, mid)) <= n:
            hi = mid
        else:
            lo = mid + 1
    shards = shard_checkpoint(sd, lo)
    assert len(shards) == n, (len(shards), n)
    return shards


def shard_names(prefix, ext, n):
    if n == 1:
        return [f"{prefix}.{ext}"]
    return [f"{prefix}-{i + 1:05d}-of-{n:05d}.{ext}" for i in range(n)]


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_json(path, obj, sort_keys=True):
    """As transformers writes configs and tokenizer files: indent 2, sorted keys, trailing newline."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n")


def write_index(path, sd, shards, names):
    weight_map = {k: name for shard, name in zip(shards, names) for k in shard}
    index = {"metadata": {"total_size": sum(nbytes(v) for v in sd.values())}, "weight_map": weight_map}
    write_text(path, json.dumps(index, indent=2, sort_keys=True) + "\n")


def write_bin_set(root, sd, n):
    """pytorch_model.bin (the module's OrderedDict state dict, with its _metadata) or n shards (plain
    dicts, as save_pretrained saves them) plus pytorch_model.bin.index.json."""
    names = shard_names("pytorch_model", "bin", n)
    if n == 1:
        torch.save(sd, os.path.join(root, names[0]))
        return
    shards = split_like_published(sd, n)
    for shard, name in zip(shards, names):
        torch.save(dict(shard), os.path.join(root, name))
    write_index(os.path.join(root, "pytorch_model.bin.index.json"), sd, shards, names)


# safetensors dtype names and the Dtype enum order the safetensors library sorts by (largest first).
ST_DTYPES = {
    torch.int64: "I64",
    torch.float32: "F32",
    torch.bfloat16: "BF16",
    torch.float16: "F16",
}


ST_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]


def safetensors_header(shard):
    """The header safetensors' serialize writes for this shard with metadata {"format": "pt"}: tensors
    sorted by dtype (descending enum order), then name; compact JSON padded with spaces to 8 bytes."""
    items = sorted(shard.items(), key=lambda kv: (-ST_ORDER.index(ST_DTYPES[kv[1].dtype]), kv[0]))
    header = OrderedDict(__metadata__={"format": "pt"})
    offset = 0
    for k, v in items:
        header[k] = {"dtype": ST_DTYPES[v.dtype], "shape": list(v.shape), "data_offsets": [offset, offset + nbytes(v)]}
        offset += nbytes(v)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    return text, offset


def safetensors_set(root, sd, n, generated):
    """Records the shards' headers in `generated` (the tests write the data) and writes the index."""
    names = shard_names("model", "safetensors", n)
    shards = split_like_published(sd, n)
    for shard, name in zip(shards, names):
        header, size = safetensors_header(shard)
        generated[name] = {"header": header, "dataBytes": size}
    if n > 1:
        write_index(os.path.join(root, "model.safetensors.index.json"), sd, shards, names)


def component(name):
    """lntune's parameter components for a weight name in any of the layouts here; None for buffers and
    for the parts lntune skips (CLIP's and SigLIP's text towers and projections, SigLIP's pooling head)."""
    if name.endswith("inv_freq") or name.endswith("position_ids"):
        return None
    if name.startswith(("text_model.", "visual_projection.", "text_projection.", "logit_scale", "logit_bias")):
        return None
    if "vision_model.head." in name:  # SigLIP's pooling head, which LLaVA never reads
        return None
    if "vision_model." in name:
        return "visionTower"
    if "mm_projector" in name or "multi_modal_projector" in name:
        return "projector"
    if "embed_tokens" in name:
        return "embeddings"
    if name.split(".")[-2] == "lm_head":
        return "head"
    if "layernorm" in name or name.endswith("norm.weight"):
        return "norms"
    return "llmBlocks"


def expected(*state_dicts):
    params = dict(visionTower=0, projector=0, llmBlocks=0, embeddings=0, head=0, norms=0)
    dtypes = {}
    for sd in state_dicts:
        for k, v in sd.items():
            c = component(k)
            if c:
                params[c] += v.numel()
            d = ST_DTYPES[v.dtype]
            dtypes[d] = dtypes.get(d, 0) + 1
    params["total"] = sum(params.values())
    return {"parameters": params, "dtypes": dict(sorted(dtypes.items()))}
