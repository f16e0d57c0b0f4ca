#!/usr/bin/env python3
"""Reference vectors for the KoLeo objective plugin, computed by DINOv2's own KoLeoLoss.

Usage (Debian's python3-torch):
    /usr/bin/python3 tests/golden/dinov2/make_koleo.py --dinov2 /path/to/dinov2-checkout --out tests/golden/dinov2

Imports dinov2/loss/koleo_loss.py from the checkout named on the command line (the file only,
not the package, whose __init__ pulls in training code) and writes koleo.safetensors:
input.features (G*B, D) crop-major student [CLS] tokens, output.loss (the sum over the G global
crops of KoLeoLoss()(crop), as DINOv2's ssl_meta_arch does), output.loss_per_crop (G), and
output.grad_features (d loss / d features). Sizes and the seed come from the command line and
are written to the metadata, which the test reads.
"""
import argparse
import importlib.util
import json
import os
import struct

import torch


def load_koleo(checkout):
    path = os.path.join(checkout, "dinov2", "loss", "koleo_loss.py")
    spec = importlib.util.spec_from_file_location("koleo_loss", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.KoLeoLoss


def save_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().to(torch.float32)
        data = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dinov2", required=True, help="a checkout of facebookresearch/dinov2")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--global-crops", type=int, default=2)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    KoLeoLoss = load_koleo(a.dinov2)
    features = torch.randn(a.global_crops * a.batch, a.dim, requires_grad=True)
    koleo = KoLeoLoss()
    per_crop = [koleo(chunk) for chunk in features.chunk(a.global_crops)]
    loss = sum(per_crop)
    loss.backward()
    config = {"global_crops": a.global_crops, "batch": a.batch, "dim": a.dim, "seed": a.seed, "eps": 1e-8,
              "note": "loss = sum over global crops of dinov2.loss.koleo_loss.KoLeoLoss()(crop's rows); features crop-major"}
    os.makedirs(a.out, exist_ok=True)
    save_safetensors(os.path.join(a.out, "koleo.safetensors"), {
        "input.features": features,
        "output.loss": loss.reshape(1),
        "output.loss_per_crop": torch.stack(per_crop),
        "output.grad_features": features.grad,
    }, {"config": json.dumps(config)})
    print(f"koleo.safetensors: loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
