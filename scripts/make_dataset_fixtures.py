#!/usr/bin/env python3
"""A tiny Waterbirds-layout dataset and what the reference's pipeline makes of it.

Regenerate (from the package root):  python3 scripts/make_dataset_fixtures.py
Writes Tests/Fixtures/datasets/tiny_waterbirds/: metadata.csv (Waterbirds columns), six
small JPEGs saved by Pillow (4:2:0 and 4:4:4, baseline and progressive, odd sizes), and
eval_crops_64.u8: for each image in file order, Pillow's decode + convert('RGB') +
Resize((73, 73)) + CenterCrop(64) as uint8 RGB (the evaluation transform at 64x64, whose
normalisation is a table lookup checked in ImagingTests). batch_test_64.f32 holds the
normalised test-split batch [N, 3, 64, 64] from torchvision's ToTensor + Normalize.
"""
import os

import numpy as np
from PIL import Image
from torchvision import transforms

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "datasets",
                   "tiny_waterbirds")
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def picture(width, height, seed):
    """A smooth scene with an object, so JPEG behaves as on photographs."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = rng.uniform(40, 200, size=3)
    img = np.stack([base[c] + 40 * np.sin(x / (7 + 3 * c) + seed) * np.cos(y / 11)
                    for c in range(3)], axis=-1)
    cx, cy, r = width * 0.5, height * 0.55, min(width, height) * 0.25
    mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
    img[mask] = rng.uniform(0, 255, size=3)
    img += rng.normal(0, 4, size=img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def main():
    os.makedirs(os.path.join(OUT, "birds"), exist_ok=True)
    # (file, width, height, y, split, place, save options)
    rows = [
        ("birds/a.jpg", 120, 90, 1, 0, 1, dict(quality=90, subsampling=2)),
        ("birds/b.jpg", 61, 77, 0, 0, 0, dict(quality=75, subsampling=0)),
        ("birds/c.jpg", 100, 75, 1, 2, 0, dict(quality=85, subsampling=2, progressive=True)),
        ("birds/d.jpg", 45, 33, 0, 1, 1, dict(quality=95, subsampling=2)),
        ("birds/e.jpg", 64, 64, 0, 2, 1, dict(quality=80, subsampling=1)),
        ("birds/f.jpg", 90, 120, 1, 2, 1, dict(quality=90, subsampling=2)),
    ]
    lines = ["img_id,img_filename,y,split,place,place_filename"]
    crops = []
    crop = transforms.Compose([transforms.Resize((73, 73)), transforms.CenterCrop(64)])
    normalize = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    test_batch = []
    for i, (name, w, h, y, split, place, options) in enumerate(rows):
        picture(w, h, i).save(os.path.join(OUT, name), **options)
        lines.append(f"{i + 1},{name},{y},{split},{place},/x/{'water' if place else 'land'}.jpg")
        with Image.open(os.path.join(OUT, name)) as im:
            cropped = crop(im.convert("RGB"))
        crops.append(np.asarray(cropped, dtype=np.uint8))
        if split == 2:
            test_batch.append(normalize(cropped).numpy())
    with open(os.path.join(OUT, "metadata.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.stack(crops).tofile(os.path.join(OUT, "eval_crops_64.u8"))
    np.stack(test_batch).astype(np.float32).tofile(os.path.join(OUT, "batch_test_64.f32"))


if __name__ == "__main__":
    main()
