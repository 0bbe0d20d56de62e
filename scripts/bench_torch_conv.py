#!/usr/bin/env python3
"""PyTorch (oneDNN) conv2d GFLOPS on the shapes of `spurious bench conv`.

Run, with the same thread count as the Swift side:
  python3 scripts/bench_torch_conv.py --threads 2 --repeats 5 --batch 32 [--filter 3x3]
Prints one JSON object per (shape, pass) in the same fields as the Swift benchmark.
Forward, backward-data and backward-weight are timed separately through
torch.nn.grad.conv2d_input / conv2d_weight, in NCHW (the layout of the Swift kernels)
and, with --channels-last, in NHWC. GFLOPS count the forward's 2*N*O*OH*OW*C*kh*kw
for every pass, as the Swift benchmark does.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def shapes(batch):
    # label, in, out, size, kernel, stride, padding
    return [("3x3.64.56", 64, 64, 56, 3, 1, 1), ("1x1.256-64.56", 256, 64, 56, 1, 1, 0),
            ("1x1.64-256.56", 64, 256, 56, 1, 1, 0), ("3x3s2.128.56", 128, 128, 56, 3, 2, 1),
            ("3x3.512.7", 512, 512, 7, 3, 1, 1), ("stem.7x7s2", 3, 64, 224, 7, 2, 3)]


def timed(fn, repeats):
    fn()
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    calls = max(1, min(1000, int(0.02 / max(first, 1e-7))))
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        out.append((time.perf_counter() - t0) / calls)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--filter", default="")
    parser.add_argument("--channels-last", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    with torch.no_grad():
        for label, c, o, size, k, s, p in shapes(args.batch):
            if args.filter and args.filter not in label:
                continue
            x = torch.rand(args.batch, c, size, size).contiguous(memory_format=fmt)
            w = torch.rand(o, c, k, k).contiguous(memory_format=fmt)
            y = F.conv2d(x, w, stride=s, padding=p)
            gy = torch.rand_like(y).contiguous(memory_format=fmt)
            flops = 2.0 * args.batch * o * y.shape[2] * y.shape[3] * c * k * k
            passes = [
                ("forward", lambda: F.conv2d(x, w, stride=s, padding=p)),
                ("backwardData",
                 lambda: torch.nn.grad.conv2d_input(x.shape, w, gy, stride=s, padding=p)),
                ("backwardWeight",
                 lambda: torch.nn.grad.conv2d_weight(x, w.shape, gy, stride=s, padding=p)),
            ]
            for name, fn in passes:
                g = sorted(flops / t / 1e9 for t in timed(fn, args.repeats))
                median = g[len(g) // 2] if len(g) % 2 else (g[len(g) // 2 - 1] + g[len(g) // 2]) / 2
                print(json.dumps({
                    "kernel": "torch.conv2d." + name + (".nhwc" if args.channels_last else ""),
                    "label": label, "batch": args.batch, "in": c, "out": o, "size": size,
                    "kernel_size": k, "stride": s, "padding": p, "threads": args.threads,
                    "repeats": args.repeats, "median_gflops": round(median, 1),
                    "min_gflops": round(g[0], 1), "max_gflops": round(g[-1], 1)}))


if __name__ == "__main__":
    main()
