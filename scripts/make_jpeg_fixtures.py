#!/usr/bin/env python3
"""Small JPEG fixtures for the Imaging tests (Tests/Fixtures/jpeg/), made with Pillow.

Pillow decodes and encodes with libjpeg-turbo, so its `convert('RGB')` pixels are the
reference our decoder must reproduce (integer IDCT, fancy upsampling).

Two modes:

  python3 scripts/make_jpeg_fixtures.py
      Encodes deterministic synthetic images with Pillow (qualities 50/75/95; 4:4:4,
      4:2:2, 4:2:0; baseline, progressive, restart markers; grayscale; Adobe RGB; sizes that are not
      multiples of 8 or 16, down to 1x1 and planes 2 samples wide) into
      Tests/Fixtures/jpeg/, each with Pillow's RGB decode as raw `<name>.rgb`, and lists
      them in Tests/Fixtures/jpeg/index.tsv (file, width, height, what it exercises).

  python3 scripts/make_jpeg_fixtures.py --check-encoder DIR
      DIR holds JPEGs written by our Swift encoder, each beside the PPM it encoded:
          SPURIOUS_JPEG_ENCODER_SAMPLES=DIR swift test -c release \
              --filter JPEGEncoderTests/writeSamples
      Checks that Pillow opens every one, reports its PSNR against the source, fails
      below 20 dB (a sanity floor: Pillow's own 4:2:0 gets 26.6-27.7 dB on these
      hard-edged cards, 4x4-subsampled chroma about 24), and copies the JPEGs with
      Pillow's decodes into
      Tests/Fixtures/jpeg/encoder/ (listed in encoder/index.tsv). Pillow cannot write
      4:4:0, 4:1:1, mixed per-component factors or non-interleaved scans, so these
      files are also the fixtures for those layouts.

Regenerate both after changing this script or the encoder; keep the total under 500 KB.
"""

import io
import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "jpeg"


def synthetic(width, height, seed):
    """A test card: smooth gradients, hard-edged shapes in saturated colours, noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 128 + 100 * np.sin((x + 2 * y) / 3.0)
    disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (min(width, height) * 0.3) ** 2
    r = np.where(disc, 230, r)
    g = np.where(disc, 20, g)
    b = np.where(disc, 40, b)
    bar = (x > width * 0.15) & (x < width * 0.3)
    r, g, b = [np.where(bar, v, c) for v, c in ((20, r), (40, g), (220, b))]
    pixels = np.stack([r, g, b], axis=-1) + rng.normal(0, 6, (height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


# (file, size, options, what it exercises)
CASES = [
    ("q50_420.jpg", (33, 47), dict(quality=50, subsampling=2), "q50 4:2:0, odd size"),
    ("q75_420.jpg", (33, 47), dict(quality=75, subsampling=2), "q75 4:2:0, odd size"),
    ("q95_420.jpg", (33, 47), dict(quality=95, subsampling=2), "q95 4:2:0, odd size"),
    ("q75_444.jpg", (33, 47), dict(quality=75, subsampling=0), "q75 4:4:4"),
    ("q75_422.jpg", (33, 47), dict(quality=75, subsampling=1), "q75 4:2:2 (h2v1 fancy)"),
    ("q95_444.jpg", (40, 24), dict(quality=95, subsampling=0), "q95 4:4:4, width of 5 blocks"),
    ("odd_17x13_420.jpg", (17, 13), dict(quality=75, subsampling=2), "17x13 4:2:0"),
    ("tiny_1x1_420.jpg", (1, 1), dict(quality=75, subsampling=2), "1x1 4:2:0"),
    ("tiny_3x3_420.jpg", (3, 3), dict(quality=75, subsampling=2),
     "3x3 4:2:0: chroma plane 2 wide, replicated"),
    ("tiny_4x5_422.jpg", (4, 5), dict(quality=75, subsampling=1),
     "4x5 4:2:2: chroma plane 2 wide, replicated"),
    ("wide_5x9_420.jpg", (5, 9), dict(quality=75, subsampling=2),
     "5x9 4:2:0: chroma plane 3 wide, fancy"),
    ("progressive_420.jpg", (33, 47), dict(quality=75, subsampling=2, progressive=True),
     "progressive 4:2:0 (spectral selection, successive approximation)"),
    ("progressive_444.jpg", (40, 24), dict(quality=90, subsampling=0, progressive=True),
     "progressive 4:4:4"),
    ("restart_420.jpg", (64, 48), dict(quality=75, subsampling=2, restart_marker_blocks=2),
     "4:2:0 with a restart marker every 2 MCUs"),
    ("restart_rows_444.jpg", (33, 47), dict(quality=75, subsampling=0, restart_marker_rows=1),
     "4:4:4 with a restart marker every MCU row"),
    ("restart_progressive.jpg", (64, 48),
     dict(quality=75, subsampling=2, progressive=True, restart_marker_blocks=3),
     "progressive with restart markers (EOB runs reset)"),
    ("optimized_420.jpg", (33, 47), dict(quality=75, subsampling=2, optimize=True),
     "4:2:0 with optimised Huffman tables"),
    ("rgb_adobe_444.jpg", (33, 47), dict(quality=90, subsampling=0, keep_rgb=True),
     "R, G, B components, Adobe APP14 transform 0 (no colour conversion)"),
    ("gray_17x13.jpg", ("L", 17, 13), dict(quality=75), "grayscale 17x13"),
    ("gray_progressive.jpg", ("L", 33, 47), dict(quality=75, progressive=True),
     "grayscale progressive"),
]


def make_fixtures():
    OUT.mkdir(parents=True, exist_ok=True)
    rows = ["file\twidth\theight\texercises"]
    for index, (name, size, options, what) in enumerate(CASES):
        if size[0] == "L":
            image = synthetic(size[1], size[2], index).convert("L")
        else:
            image = synthetic(size[0], size[1], index)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", **options)
        (OUT / name).write_bytes(buffer.getvalue())
        decoded = Image.open(OUT / name).convert("RGB")
        (OUT / (name + ".rgb")).write_bytes(decoded.tobytes())
        rows.append(f"{name}\t{decoded.width}\t{decoded.height}\t{what}")
    (OUT / "index.tsv").write_text("\n".join(rows) + "\n")
    print(f"wrote {len(CASES)} fixtures to {OUT}")


def check_encoder(directory):
    destination = OUT / "encoder"
    destination.mkdir(parents=True, exist_ok=True)
    rows = ["file\twidth\theight\tpsnr_vs_source"]
    failures = 0
    paths = sorted(Path(directory).glob("*.jpg"))
    if not paths:
        sys.exit(f"no encoder samples (*.jpg) in {directory}")
    for path in paths:
        source = Image.open(path.with_suffix(".ppm")).convert("RGB")
        decoded = Image.open(path).convert("RGB")
        a = np.asarray(source, dtype=np.float64)
        b = np.asarray(decoded, dtype=np.float64)
        mse = np.mean((a - b) ** 2)
        psnr = 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)
        status = "ok" if psnr >= 20 else "TOO LOW"
        failures += psnr < 20
        print(f"{path.name}: Pillow opens it, {decoded.width}x{decoded.height}, "
              f"PSNR {psnr:.2f} dB vs source ({status})")
        shutil.copyfile(path, destination / path.name)
        (destination / (path.name + ".rgb")).write_bytes(decoded.tobytes())
        rows.append(f"{path.name}\t{decoded.width}\t{decoded.height}\t{psnr:.2f}")
    (destination / "index.tsv").write_text("\n".join(rows) + "\n")
    if failures:
        sys.exit(f"{failures} encoder outputs decode below 20 dB in Pillow")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check-encoder":
        check_encoder(sys.argv[2])
    elif len(sys.argv) == 1:
        make_fixtures()
    else:
        sys.exit(__doc__)
