#!/usr/bin/python3
"""Writes small test images and the pixel values PIL + Hugging Face's CLIPImageProcessor steps give for them.

Run with the system Python (needs PIL and numpy): /usr/bin/python3 tools/make_image_fixtures.py
Outputs under test/fixtures/images/: the images, expected.json (cases and offsets) and expected.bin
(little-endian: uint8 decoded RGB and float32 CHW pixel values, at the offsets listed in expected.json).
"""
import io
import json
import math
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "images")
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def pattern(w, h, channels, seed):
    """Smooth gradients plus a few hard edges, so resampling differences show."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for c in range(channels):
        p = 127 + 100 * np.sin(x / (3 + c) + seed) * np.cos(y / (4 + c))
        p[(x // 7 + y // 5) % 3 == 0] = 30 * c + 20
        planes.append(p + rng.integers(-10, 10, size=p.shape))
    return np.clip(np.stack(planes, -1), 0, 255).astype(np.uint8)


def make_images():
    images = {}
    images["landscape_37x23.png"] = Image.fromarray(pattern(37, 23, 3, 1), "RGB")
    rgba = pattern(19, 41, 4, 2)
    rgba[..., 3] = np.linspace(0, 255, 19, dtype=np.uint8)[None, :]
    images["portrait_rgba_19x41.png"] = Image.fromarray(rgba, "RGBA")
    images["gray_29x17.png"] = Image.fromarray(pattern(29, 17, 1, 3)[..., 0], "L")
    pal = Image.fromarray(pattern(21, 21, 3, 4), "RGB").quantize(colors=16)
    pal.info["transparency"] = 0
    images["palette_21x21.png"] = pal
    images["photo_45x31.jpg"] = Image.fromarray(pattern(45, 31, 3, 5), "RGB")
    images["lossless_27x33.webp"] = Image.fromarray(pattern(27, 33, 4, 6), "RGBA")
    for name, img in images.items():
        path = os.path.join(OUT, name)
        if name.endswith(".jpg"):
            img.save(path, quality=90)
        elif name.endswith(".webp"):
            img.save(path, lossless=True)
        elif name.startswith("palette"):
            img.save(path, transparency=0)
        else:
            img.save(path)


def expand2square(img, background):
    w, h = img.size
    if w == h:
        return img
    side = max(w, h)
    result = Image.new(img.mode, (side, side), background)
    result.paste(img, (0, (w - h) // 2) if w > h else ((h - w) // 2, 0))
    return result


def center_crop(arr, ch, cw):
    """transformers.image_transforms.center_crop on HWC uint8."""
    h, w = arr.shape[:2]
    top, left = (h - ch) // 2, (w - cw) // 2
    if top >= 0 and left >= 0 and top + ch <= h and left + cw <= w:
        return arr[top:top + ch, left:left + cw]
    nh, nw = max(ch, h), max(cw, w)
    padded = np.zeros((nh, nw, arr.shape[2]), dtype=arr.dtype)
    tp, lp = math.ceil((nh - h) / 2), math.ceil((nw - w) / 2)
    padded[tp:tp + h, lp:lp + w] = arr
    top, left = top + tp, left + lp
    return padded[max(0, top):min(nh, top + ch), max(0, left):min(nw, left + cw)]


def clip_preprocess(img, shortest_edge, crop):
    """CLIPImageProcessor: resize shortest edge (PIL bicubic), center crop, rescale, normalise, CHW."""
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = shortest_edge, int(shortest_edge * long / short)
    size = (new_short, new_long) if w <= h else (new_long, new_short)
    arr = np.asarray(img.resize(size, resample=Image.BICUBIC))
    arr = center_crop(arr, crop, crop)
    arr = (arr.astype(np.float64) * (1 / 255)).astype(np.float32)
    arr = (arr - MEAN) / STD
    return arr.transpose(2, 0, 1).astype(np.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    make_images()
    blob = io.BytesIO()
    cases = []

    def put(array):
        offset = blob.tell()
        blob.write(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())
        return offset

    background = tuple(int(x * 255) for x in MEAN)
    for name in sorted(os.listdir(OUT)):
        if name.startswith("expected"):
            continue
        rgb = Image.open(os.path.join(OUT, name)).convert("RGB")
        decoded = np.asarray(rgb)
        entry = {"image": name, "width": rgb.size[0], "height": rgb.size[1], "rgb": put(decoded), "cases": []}
        variants = [("square", 32, 32), ("pad", 32, 32), ("square", 12, 12)]
        if name.startswith("landscape"):
            variants.append(("square", 16, 24))  # crop larger than the resized image: zero padding
        for aspect, edge, crop in variants:
            src = expand2square(rgb, background) if aspect == "pad" else rgb
            values = clip_preprocess(src, edge, crop)
            entry["cases"].append(
                {"aspect": aspect, "shortest_edge": edge, "crop": crop, "offset": put(values), "length": values.size}
            )
        cases.append(entry)
    with open(os.path.join(OUT, "expected.bin"), "wb") as f:
        f.write(blob.getvalue())
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"background": background, "images": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
