#!/usr/bin/env python3
"""Golden fixtures for lntune's PyTorch checkpoint reader (test/io/torch_*.test.ts, test/cli/convert.test.ts).

Usage:
    /usr/bin/python3 tools/make_torch_fixtures.py test/fixtures/torch test/fixtures/models

Every .bin/.pt file is written by torch.save itself (PyTorch 1.13, zip format, pickle protocol 2), except the
ones that must be malformed (the legacy format is torch.save's too, with _use_new_zipfile_serialization=False).
expected.json gives, for each file and tensor, torch's dtype, shape and the little-endian bytes of
tensor.contiguous() in hex: what a reader must return, bit for bit. casts.json gives torch's
.to(float16 / bfloat16 / float32) of the tensors in rounding.pt, as bytes too.

The model directories are fixtures of test/fixtures/models re-saved with torch.save, tensors unchanged:
    llama_bf16_sharded_bin/   pytorch_model-0000k-of-00002.bin + pytorch_model.bin.index.json (same shards)
    llava_original_bin/       pytorch_model.bin, and clip/pytorch_model.bin for the tower
"""

import json
import os
import shutil
import struct
import sys
import zipfile
from collections import OrderedDict

import torch
import torch.nn as nn

torch.manual_seed(0)

ST_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}


def hex_bytes(t):
    """The tensor's elements, row-major, as little-endian bytes in hex."""
    flat = t.detach().contiguous().reshape(-1)
    return flat.view(torch.uint8).numpy().tobytes().hex() if flat.numel() else ""


def describe(sd):
    names = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
             torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
             torch.bool: "BOOL"}
    return {k: {"dtype": names[v.dtype], "shape": list(v.shape), "hex": hex_bytes(v)} for k, v in sd.items()}


def read_safetensors(path):
    """name -> tensor in the stored dtype, in header order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n], object_pairs_hook=OrderedDict)
    header.pop("__metadata__", None)
    out = OrderedDict()
    for name, info in header.items():
        b, e = info["data_offsets"]
        raw = bytearray(data[8 + n + b : 8 + n + e])
        t = torch.frombuffer(raw, dtype=torch.uint8) if raw else torch.empty(0, dtype=torch.uint8)
        out[name] = t.view(ST_DTYPES[info["dtype"]]).reshape(info["shape"]).clone()
    return out


def dtypes_dict():
    return OrderedDict(
        [
            ("f32", torch.tensor([[1.5, -2.25, 3e-41, float("inf")], [-0.0, float("nan"), 1e38, -7.0]])),
            ("f64", torch.tensor([0.1, -1e300, 5e-324], dtype=torch.float64)),
            ("f16", torch.cat([torch.randn(6), torch.tensor([65504.0, 6e-8, -0.0])]).half().reshape(3, 3)),
            ("bf16", torch.randn(5).bfloat16()),
            ("i64", torch.tensor([0, -1, 2**62 + 1, -(2**63), 2**53 + 1], dtype=torch.int64)),
            ("i32", torch.tensor([-(2**31), 2**31 - 1, 7], dtype=torch.int32)),
            ("i16", torch.tensor([-32768, 32767], dtype=torch.int16)),
            ("i8", torch.tensor([-128, 127, 0], dtype=torch.int8)),
            ("u8", torch.tensor([0, 255, 128], dtype=torch.uint8)),
            ("bool", torch.tensor([True, False, True, True])),
            ("scalar", torch.tensor(3.5)),
            ("empty", torch.zeros(0, 3)),
        ]
    )


def views_dict():
    """Tensors saved as views: torch.save writes each storage once, whole, and the views' strides."""
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    emb = torch.randn(5, 4)
    halves = torch.arange(8, dtype=torch.float32)
    return OrderedDict(
        [
            ("transposed", base.t()),
            ("row", base[2]),
            ("column", base[:, 3]),
            ("block", base[1:3, 2:5]),
            ("expanded", torch.tensor([1.0, 2.0, 3.0]).expand(2, 3)),
            ("tied.embed", emb),
            ("tied.head", emb),
            ("first_half", halves[:4]),
            ("second_half", halves[4:]),
            ("bf16_transposed", torch.randn(3, 5).bfloat16().t()),
            ("i64_transposed", torch.arange(6, dtype=torch.int64).reshape(2, 3).t()),
            ("bool_column", torch.tensor([[True, False], [False, False], [True, True]])[:, 0]),
        ]
    )


def module_state_dict():
    """A module's state_dict(): an OrderedDict with a _metadata attribute (per-module versions)."""
    return nn.Sequential(nn.Linear(4, 3), nn.GELU(), nn.LayerNorm(3)).state_dict()


def parameters_dict():
    """nn.Parameter values pickle through torch._utils._rebuild_parameter."""
    return OrderedDict(
        [("w", nn.Parameter(torch.randn(2, 3))), ("b", nn.Parameter(torch.zeros(3), requires_grad=False))]
    )


def llava_projector(kind, d_vision, d_text, dtype):
    """What LLaVA's stage 1 writes: the mm_projector parameters of the whole model, detached clones
    (get_mm_adapter_state_maybe_zero_3), in a plain dict saved as mm_projector.bin."""

    class Inner(nn.Module):
        def __init__(self):
            super().__init__()
            if kind == "linear":
                self.mm_projector = nn.Linear(d_vision, d_text)
            else:
                self.mm_projector = nn.Sequential(nn.Linear(d_vision, d_text), nn.GELU(), nn.Linear(d_text, d_text))

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.model = Inner()

    m = Outer().to(dtype)
    return {k: v.detach().cpu().clone() for k, v in m.named_parameters() if "mm_projector" in k}


def rounding_dict():
    """Values on and around the rounding boundaries of f16 and bf16."""
    special = [0.0, -0.0, 1.0, 1.0009765625, 1.00048828125, 1.000732421875, 1.0001220703125, 65504.0, 65519.0,
               65520.0, 1e5, 6e-8, 3e-8, 2.9802322387695312e-08, 1e-5, 3.3895313892515355e38, 3.4e38,
               float("inf"), float("-inf"), -1.00390625, 257.0, 256.5]
    f32 = torch.cat([torch.tensor(special, dtype=torch.float32), torch.randn(40) * 100])
    return OrderedDict(
        [("f32", f32), ("f16", (torch.randn(20) * 1000).half()), ("bf16", (torch.randn(20) * 1e4).bfloat16()),
         ("f64", torch.tensor([0.1, 1.0 + 2**-11 + 2**-40, 1e-9], dtype=torch.float64)),
         ("i64", torch.tensor([1, 2, 3], dtype=torch.int64))]
    )


def zip_from_entries(path, prefix, entries):
    """A zip laid out as torch.save lays it out (stored entries under one folder), written by zipfile."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(f"{prefix}/{name}", data)


def malicious_pickle():
    """{"weight": os.system("echo pwned")} as pickle protocol 2 bytes, written by hand (never unpickled)."""
    cmd = b"echo pwned"
    return (
        b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01cos\nsystem\nq\x02X"
        + struct.pack("<I", len(cmd))
        + cmd
        + b"q\x03\x85q\x04Rq\x05s."
    )


def resave_model(src_dir, dst_dir, files):
    """Copies a fixture model directory, re-saving each safetensors file as the given torch file."""
    os.makedirs(dst_dir, exist_ok=True)
    for f in ("config.json", "preprocessor_config.json"):
        if os.path.exists(os.path.join(src_dir, f)):
            shutil.copy(os.path.join(src_dir, f), os.path.join(dst_dir, f))
    for st, pt in files:
        torch.save(read_safetensors(os.path.join(src_dir, st)), os.path.join(dst_dir, pt))


def main(out, models):
    os.makedirs(out, exist_ok=True)
    expected = OrderedDict()

    def save(name, sd, **kw):
        torch.save(sd, os.path.join(out, name), **kw)
        expected[name] = describe(sd)

    save("dtypes.bin", dtypes_dict())
    save("views.pt", views_dict())
    save("state_dict.pth", module_state_dict())
    save("parameters.pt", parameters_dict())
    save("mm_projector.bin", llava_projector("mlp2x_gelu", 32, 32, torch.bfloat16))
    save("mm_projector_linear.bin", llava_projector("linear", 32, 32, torch.float16))
    save("mm_projector_wide.bin", llava_projector("mlp2x_gelu", 48, 32, torch.float32))
    rounding = rounding_dict()
    save("rounding.pt", rounding)
    torch.save(dtypes_dict(), os.path.join(out, "legacy.bin"), _use_new_zipfile_serialization=False)

    # A sharded checkpoint as transformers writes it: shards plus pytorch_model.bin.index.json.
    shard_dir = os.path.join(out, "sharded")
    os.makedirs(shard_dir, exist_ok=True)
    shards = [OrderedDict([("a", torch.randn(2, 2)), ("b", torch.arange(3))]), OrderedDict([("c", torch.randn(4).half())])]
    weight_map, total = OrderedDict(), 0
    for i, sd in enumerate(shards):
        name = f"pytorch_model-{i + 1:05d}-of-{len(shards):05d}.bin"
        torch.save(sd, os.path.join(shard_dir, name))
        expected[f"sharded/{name}"] = describe(sd)
        for k, v in sd.items():
            weight_map[k] = name
            total += v.numel() * v.element_size()
    with open(os.path.join(shard_dir, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)

    # Archives torch.save would not write, made from one it did.
    with zipfile.ZipFile(os.path.join(out, "dtypes.bin")) as z:
        entries = [(i.filename.split("/", 1)[1], z.read(i.filename)) for i in z.infolist()]
    zip_from_entries(os.path.join(out, "byteorder_little.pt"), "byteorder_little", entries + [("byteorder", b"little")])
    zip_from_entries(os.path.join(out, "byteorder_big.pt"), "byteorder_big", entries + [("byteorder", b"big")])
    with zipfile.ZipFile(os.path.join(out, "deflated.pt"), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(f"deflated/{name}", data)
    zip_from_entries(os.path.join(out, "malicious.bin"), "malicious", [("data.pkl", malicious_pickle()), ("version", b"3\n")])
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), os.path.join(out, "torchscript.pt"))

    casts = OrderedDict()
    for name, t in rounding.items():
        casts[name] = {d: hex_bytes(t.to(dt)) for d, dt in
                       (("F32", torch.float32), ("F16", torch.float16), ("BF16", torch.bfloat16))}
    with open(os.path.join(out, "casts.json"), "w") as f:
        json.dump(casts, f, indent=1)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)

    src = os.path.join(models, "llama_bf16_sharded")
    with open(os.path.join(src, "model.safetensors.index.json")) as f:
        index = json.load(f)
    renamed = {s: s.replace("model-", "pytorch_model-").replace(".safetensors", ".bin") for s in set(index["weight_map"].values())}
    dst = os.path.join(out, "llama_bf16_sharded_bin")
    resave_model(src, dst, sorted(renamed.items()))
    with open(os.path.join(dst, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": index["metadata"], "weight_map": {k: renamed[v] for k, v in index["weight_map"].items()}}, f, indent=1)
    src = os.path.join(models, "llava_original")
    dst = os.path.join(out, "llava_original_bin")
    resave_model(src, dst, [("model.safetensors", "pytorch_model.bin")])
    resave_model(os.path.join(src, "clip"), os.path.join(dst, "clip"), [("model.safetensors", "pytorch_model.bin")])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
