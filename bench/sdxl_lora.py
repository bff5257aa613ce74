"""Writes a random kohya-layout LoRA (diffusers module names) for the UNet of an SDXL-size models folder
(bench: does a merged LoRA slow the denoising step?). Targets every attention projection (to_q, to_k,
to_v, to_out.0 of attn1 and attn2) and, with --ff, the feed-forward layers.
Usage: python3 bench/sdxl_lora.py MODELS_ROOT OUT.safetensors [--rank 32] [--ff]"""
import argparse
import glob
import os
import re

import torch
from safetensors import safe_open
from safetensors.torch import save_file

ap = argparse.ArgumentParser()
ap.add_argument("root")
ap.add_argument("out")
ap.add_argument("--rank", type=int, default=32)
ap.add_argument("--ff", action="store_true")
args = ap.parse_args()

unet = sorted(glob.glob(os.path.join(args.root, "**", "unet", "diffusion_pytorch_model*.safetensors"), recursive=True))
if not unet:
    raise SystemExit(f"no unet/diffusion_pytorch_model*.safetensors under {args.root}")
pattern = r"(.*\.attn[12]\.(to_q|to_k|to_v|to_out\.0))\.weight$"
if args.ff:
    pattern = r"(.*\.(attn[12]\.(to_q|to_k|to_v|to_out\.0)|ff\.net\.(0\.proj|2)))\.weight$"
g = torch.Generator().manual_seed(0)
tensors = {}
with safe_open(unet[0], "pt") as f:
    for key in f.keys():
        m = re.match(pattern, key)
        if not m:
            continue
        out_dim, in_dim = f.get_slice(key).get_shape()[:2]
        name = "lora_unet_" + m.group(1).replace(".", "_")
        tensors[name + ".lora_down.weight"] = (torch.randn(args.rank, in_dim, generator=g) * 0.01).half()
        tensors[name + ".lora_up.weight"] = (torch.randn(out_dim, args.rank, generator=g) * 0.01).half()
        tensors[name + ".alpha"] = torch.tensor(float(args.rank)).half()
save_file(tensors, args.out)
print(f"wrote {args.out}: {len(tensors) // 3} layers, rank {args.rank}, "
      f"{sum(t.numel() * t.element_size() for t in tensors.values()) / 2**20:.1f} MiB")
