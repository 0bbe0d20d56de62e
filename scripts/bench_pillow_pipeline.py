"""Pillow + torchvision decode and evaluation transform (the reference's
`standard_transform`), one thread, median of 5 passes over the given JPEG files: the
Python side of `spurious bench jpeg FILES...`.

Usage: python3 scripts/bench_pillow_pipeline.py FILE.jpg [FILE.jpg ...]
"""
import statistics
import sys
import time

import torch
from PIL import Image
from torchvision import transforms


def main(files):
    torch.set_num_threads(1)
    transform = transforms.Compose([
        transforms.Resize((256, 256)), transforms.CenterCrop(224), transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for path in files:
            with open(path, "rb") as handle:
                transform(Image.open(handle).convert("RGB"))
        rates.append(len(files) / (time.perf_counter() - start))
    print(f"pillow+torchvision threads 1 images {len(files)} "
          f"{statistics.median(rates):.1f} images/s (passes: {[round(r) for r in rates]})")


if __name__ == "__main__":
    main(sys.argv[1:])
