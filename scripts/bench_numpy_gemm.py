#!/usr/bin/env python3
"""numpy (OpenBLAS) sgemm GFLOPS on the shapes of `spurious bench gemm`.

Run, with the same thread count as the Swift side:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 \
    python3 scripts/bench_numpy_gemm.py --threads 2 --repeats 5 [--filter deit]
(OPENBLAS_CORETYPE/L2_SIZE are unset for this command only: on this machine they pin
an old, slower kernel.) Prints one JSON object per shape, in the same fields as the
Swift benchmark, and first a line naming the BLAS kernel that threadpoolctl reports.
Each repeat times one call (short calls are repeated to last about 20 ms).
With --cpu-clock (and --threads 1) the clock is process CPU time, for comparisons on
a busy shared machine.
"""
import argparse
import json
import time

import numpy as np

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_info = None


def shapes():
    out = [("square", s, s, s, False, False) for s in (512, 1024, 2048)]
    tokens = 32 * 197
    for name, fan_in, fan_out in [("qkv", 384, 1152), ("proj", 384, 384),
                                  ("fc1", 384, 1536), ("fc2", 1536, 384)]:
        out.append((f"deit-s.{name}.fwd", tokens, fan_out, fan_in, False, True))
        out.append((f"deit-s.{name}.bwd-data", tokens, fan_in, fan_out, False, False))
        out.append((f"deit-s.{name}.bwd-wt", fan_out, fan_in, tokens, True, False))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--filter", default="")
    parser.add_argument("--cpu-clock", action="store_true",
                        help="time with process CPU time (as SPURIOUS_BENCH_CLOCK=cpu); "
                             "on a shared machine this leaves out time other programs "
                             "held the core; meaningful with --threads 1 only")
    args = parser.parse_args()
    clock = time.process_time if args.cpu_clock else time.perf_counter
    if threadpool_info is not None:
        with threadpool_limits(limits=args.threads):
            for info in threadpool_info():
                print(json.dumps({"blas": info.get("internal_api"),
                                  "version": info.get("version"),
                                  "architecture": info.get("architecture"),
                                  "threads": info.get("num_threads")}))
    rng = np.random.default_rng(0)
    for label, m, n, k, ta, tb in shapes():
        if args.filter and args.filter not in label and args.filter != str(m):
            continue
        a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
        opa, opb = (a.T if ta else a), (b.T if tb else b)
        c = np.empty((m, n), np.float32)
        ctx = threadpool_limits(limits=args.threads) if threadpool_info else None
        if ctx:
            ctx.__enter__()
        t0 = clock()
        np.matmul(opa, opb, out=c)
        first = clock() - t0
        calls = max(1, min(1000, int(0.02 / max(first, 1e-7))))
        seconds = []
        for _ in range(args.repeats):
            t0 = clock()
            for _ in range(calls):
                np.matmul(opa, opb, out=c)
            seconds.append((clock() - t0) / calls)
        if ctx:
            ctx.__exit__(None, None, None)
        flops = 2.0 * m * n * k
        g = sorted(flops / s / 1e9 for s in seconds)
        median = float(np.median(g))
        print(json.dumps({"kernel": "numpy.sgemm." + ("T" if ta else "N") + ("T" if tb else "N"),
                          "label": label, "m": m, "n": n, "k": k, "threads": args.threads,
                          "repeats": args.repeats, "median_gflops": round(median, 1),
                          "min_gflops": round(g[0], 1), "max_gflops": round(g[-1], 1)}))


if __name__ == "__main__":
    main()
