#!/usr/bin/env python3
"""Sums the GPU kernels of a Kineto trace (poseforge-bench speed --profile) by kind and by name.

Usage: trace_summary.py TRACE.json [STEPS] [TOP]
Prints, per kind (GEMM, convolution, attention, normalisation, element-wise, copies, other), the GPU time
per step and its share, then the TOP kernels by time."""
import collections
import json
import re
import sys

KINDS = [
    ("attention", re.compile(r"flash|fmha|attention|attn|sdpa|mem_eff", re.I)),
    ("convolution", re.compile(r"conv|fprop|dgrad|wgrad|implicit_gemm|cudnn", re.I)),
    ("GEMM", re.compile(r"gemm|nvjet|cutlass|cublas|sm\d+_xmma|ampere_|s16816|h16816|hmma", re.I)),
    ("group norm", re.compile(r"group_?norm|RowwiseMoments|ComputeFusedParams|GroupNorm", re.I)),
    ("layer norm", re.compile(r"layer_?norm|LayerNorm", re.I)),
    ("softmax", re.compile(r"softmax", re.I)),
    ("copies / cat", re.compile(r"copy|Memcpy|Memset|CatArray|cat_|fill", re.I)),
    ("reductions", re.compile(r"reduce", re.I)),
    ("element-wise", re.compile(r"elementwise|silu|gelu|mul|add|index", re.I)),
]


def kind_of(name):
    for kind, pattern in KINDS:
        if pattern.search(name):
            return kind
    return "other"


def main():
    path = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    by_kind = collections.Counter()
    count_kind = collections.Counter()
    by_name = collections.Counter()
    count_name = collections.Counter()
    total = 0.0
    for e in events:
        if e.get("ph") != "X" or e.get("cat") not in ("kernel", "gpu_memcpy", "gpu_memset"):
            continue
        name = e.get("name", "?")
        dur = float(e.get("dur", 0.0))
        kind = kind_of(name)
        by_kind[kind] += dur
        count_kind[kind] += 1
        by_name[name] += dur
        count_name[name] += 1
        total += dur
    print(f"GPU time in kernels: {total / steps / 1000:.2f} ms per step over {steps} step(s)")
    for kind, dur in by_kind.most_common():
        print(f"  {kind:<14} {dur / steps / 1000:8.2f} ms  {100 * dur / total:5.1f}%  {count_kind[kind] // steps:6d} kernels/step")
    print(f"top {top} kernels:")
    for name, dur in by_name.most_common(top):
        print(f"  {dur / steps / 1000:8.3f} ms {count_name[name] // steps:5d}x [{kind_of(name)}] {name[:150]}")


if __name__ == "__main__":
    main()
