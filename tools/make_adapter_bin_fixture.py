#!/usr/bin/env python3
"""Re-saves an adapter directory's adapter_model.safetensors as PEFT's legacy adapter_model.bin (torch.save).

Usage:
    /usr/bin/python3 tools/make_adapter_bin_fixture.py test/fixtures/adapters/llava_hf_lora test/fixtures/adapters/llava_hf_lora_bin
"""

import os
import shutil
import sys

import torch

from make_torch_fixtures import read_safetensors


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, "adapter_config.json"), os.path.join(dst, "adapter_config.json"))
    # PEFT's save_pretrained(safe_serialization=False) writes the state dict with torch.save.
    torch.save(read_safetensors(os.path.join(src, "adapter_model.safetensors")), os.path.join(dst, "adapter_model.bin"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
