#!/usr/bin/env python3
"""PyTorch's side of `spurious bench model`: the same workload, the same JSON fields.

Usage (from anywhere; needs torch, torchvision, timm):

    python3 scripts/bench_torch.py --arch resnet50 --batch 16 --mode train [--resolution 224]
        [--iterations 5] [--warmup 1] [--threads 2] [--channels-last auto|on|off] [--json]

Workloads, as in Sources/Models/Benchmark/ModelBenchmark.swift:
  infer  model.eval() under torch.inference_mode(), forward only.
  train  model.train(); forward, the reference's loss (cross-entropy applied to the
         Softmax head's probabilities, two classes), backward, Adam step.
Models: torchvision resnet50() and timm VisionTransformer with the reference's settings
(patch 16, qkv bias, LayerNorm eps 1e-5), each with head Sequential(Linear(d, 2), Softmax).
Channels-last is used for the ResNet by default ("auto"), where oneDNN is faster.
Peak memory is the process's peak RSS (ru_maxrss), so run one workload per process.
Compare with `spurious bench model` in the same session, alternating the two.
"""

import argparse
import functools
import json
import resource
import statistics
import time

import torch
import torch.nn as nn
import torchvision
from timm.models.vision_transformer import VisionTransformer

VIT_SIZES = {
    "deit_tiny": (192, 12, 3),
    "deit_small": (384, 12, 6),
    "deit_base": (768, 12, 12),
    "deit_large": (1024, 24, 16),
}


def build(arch, resolution):
    if arch == "resnet50":
        model = torchvision.models.resnet50()
        model.fc = nn.Sequential(nn.Linear(2048, 2), nn.Softmax(dim=1))
        return model
    dim, depth, heads = VIT_SIZES[arch]
    model = VisionTransformer(
        img_size=resolution, patch_size=16, embed_dim=dim, depth=depth, num_heads=heads,
        mlp_ratio=4.0, qkv_bias=True, class_token=True, global_pool="token",
        norm_layer=functools.partial(nn.LayerNorm, eps=1e-5))
    model.head = nn.Sequential(nn.Linear(dim, 2), nn.Softmax(dim=1))
    return model


def main():
    parser = argparse.ArgumentParser(description="PyTorch model throughput")
    parser.add_argument("--arch", required=True, choices=["resnet50", *VIT_SIZES])
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--mode", required=True, choices=["infer", "train"])
    parser.add_argument("--resolution", type=int, default=224)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--channels-last", default="auto", choices=["auto", "on", "off"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    channels_last = args.channels_last == "on" or (
        args.channels_last == "auto" and args.arch == "resnet50")
    model = build(args.arch, args.resolution)
    x = torch.randn(args.batch, 3, args.resolution, args.resolution)
    y = torch.tensor([[1.0, 0.0] if i % 2 == 0 else [0.0, 1.0] for i in range(args.batch)])
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.to(memory_format=torch.channels_last)

    if args.mode == "infer":
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)
    else:
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-5)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()

    for _ in range(args.warmup):
        step()
    seconds = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "implementation": "pytorch " + torch.__version__, "arch": args.arch,
        "mode": args.mode, "batch": args.batch, "resolution": args.resolution,
        "threads": args.threads, "channels_last": channels_last,
        "images_per_second": round(args.batch / median, 3), "peak_rss_mib": round(peak_mib, 1),
        "seconds": [round(s, 4) for s in seconds],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pytorch {args.arch} {args.mode} batch {args.batch} @{args.resolution}: "
              f"{result['images_per_second']} images/s, peak RSS {result['peak_rss_mib']} MiB")


if __name__ == "__main__":
    main()
