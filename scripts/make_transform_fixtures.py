#!/usr/bin/env python3
"""Expected outputs of the reference's image transforms, from Pillow + torchvision.

Regenerate (from the package root):  python3 scripts/make_transform_fixtures.py
Writes Tests/Fixtures/transforms/: manifest.json and raw .u8 / .f32 files.

Inputs are not stored: each is a synthetic RGB8 image computed by `synthetic_image`,
which the Swift tests compute identically (TransformFixtures.swift). It mixes smooth
ramps with hash noise, the hardest case for a resampling filter.

Cases (all through PIL.Image.frombytes('RGB', ...), so no JPEG decoder is involved):
- eval crop: Resize((256, 256)) + CenterCrop(224) as uint8 (what ToTensor sees); the
  script checks that ToTensor + Normalize of that crop equals the normalisation table,
  so the Swift test may compare bytes and the table separately.
- full resize: Resize((256, 256)) of the 500x375 image, uint8.
- resize 73: Resize((73, 73)), the synthetic dataset's 64 crop path.
- resized crop: F.resized_crop(img, i, j, h, w, [224, 224], BILINEAR) for given boxes.
- normalisation table: ToTensor + Normalize of every byte value per channel, float32.
"""
import json
import os

import numpy as np
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "transforms")
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def synthetic_image(width, height):
    """RGB8 bytes: 3/4 smooth ramp + 1/4 multiplicative-hash noise, integer math only."""
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(3), indexing="ij")
    x = x.astype(np.int64)
    y = y.astype(np.int64)
    c = c.astype(np.int64)
    index = (y * width + x) * 3 + c
    noise = ((index * 2654435761) % (1 << 32)) >> 24
    ramp = np.where(
        c == 0,
        x * 255 // max(width - 1, 1),
        np.where(c == 1, y * 255 // max(height - 1, 1), (x + y) * 255 // max(width + height - 2, 1)),
    )
    return (ramp * 3 // 4 + noise // 4).astype(np.uint8)


def pil(width, height):
    return Image.frombytes("RGB", (width, height), synthetic_image(width, height).tobytes())


def save(name, array):
    array.tofile(os.path.join(OUT, name))
    return name


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {"eval": [], "resize": [], "resizedCrop": []}
    normalize = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])

    # The normalisation table, and a check that the whole pipeline is table lookups.
    table = np.zeros((3, 256), dtype=np.float32)
    ramp = np.tile(np.arange(256, dtype=np.uint8)[None, :, None], (1, 1, 3))
    values = normalize(Image.fromarray(ramp, "RGB")).numpy()
    table[:, :] = values[:, 0, :]
    save("normalize_table.f32", table)

    for width, height in [(500, 375), (178, 218), (7, 5), (100, 80)]:
        img = pil(width, height)
        resized = F.resize(img, [256, 256])  # torchvision Resize((256,256)) on PIL
        crop = F.center_crop(resized, [224, 224])
        crop_bytes = np.asarray(crop, dtype=np.uint8)
        full = transforms.Compose(
            [transforms.Resize((256, 256)), transforms.CenterCrop(224), normalize]
        )(img).numpy()
        looked_up = table[np.arange(3)[:, None, None], crop_bytes.transpose(2, 0, 1)]
        assert np.array_equal(full, looked_up), "pipeline is not a table lookup"
        name = save(f"eval_{width}x{height}.u8", crop_bytes)
        manifest["eval"].append({"width": width, "height": height, "file": name})

    for (width, height), (ow, oh) in [((500, 375), (256, 256)), ((80, 64), (73, 73)),
                                      ((256, 256), (73, 73)), ((33, 17), (20, 40))]:
        out = np.asarray(pil(width, height).resize((ow, oh), Image.BILINEAR), dtype=np.uint8)
        name = save(f"resize_{width}x{height}_to_{ow}x{oh}.u8", out)
        manifest["resize"].append(
            {"width": width, "height": height, "outWidth": ow, "outHeight": oh, "file": name})

    for (width, height), (i, j, h, w) in [((500, 375), (20, 31, 300, 411)),
                                          ((178, 218), (0, 0, 218, 164)),
                                          ((100, 80), (5, 7, 61, 90))]:
        out = F.resized_crop(pil(width, height), i, j, h, w, [224, 224],
                             transforms.InterpolationMode.BILINEAR)
        name = save(f"resized_crop_{width}x{height}_{i}_{j}_{h}_{w}.u8",
                    np.asarray(out, dtype=np.uint8))
        manifest["resizedCrop"].append({"width": width, "height": height, "top": i,
                                        "left": j, "cropHeight": h, "cropWidth": w,
                                        "file": name})

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
