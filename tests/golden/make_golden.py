#!/usr/bin/env python3
"""Regenerate the iBOT reference vectors in tests/golden by running the paper authors' code.

Usage (Debian: the python3-torch, python3-torchvision, python3-pil and python3-numpy packages):

    /usr/bin/python3 tests/golden/make_golden.py --ibot /path/to/ibot-checkout --out DIR [options]

The authors' repository (github.com/bytedance/ibot) is imported at run time from --ibot; none of
its code is copied here. Every value in the output comes from their modules (models/, main_ibot.py's
iBOTLoss and train_one_epoch, utils.py, loader.py's ImageFolderMask, evaluation/eval_knn.py,
evaluation/unsupervised/unsup_cls.py, their extract/combine scripts) or from torchvision and PIL;
this script only draws the random inputs and weights and writes the files.

Missing optional dependencies of their modules are replaced by stand-ins when not installed:
tensorboardX (SummaryWriter, never called here), munkres (only used with calc_acc=True), timm
(register_model, to_2tuple, DropPath, trunc_normal_: used by models/ for registration and
initialisation only; every weight is re-drawn and recorded, and drop path is 0) and
sklearn.metrics (the three clustering scores, computed with numpy exactly as scikit-learn 1.2
defines them). The stand-ins in use are listed in each file's metadata ("stand_ins").

Options set sizes and training settings; `--help` lists them. The defaults give the vector set
shipped in tests/golden (different random values: the files' metadata carry every size and option).
"""
import argparse
import contextlib
import copy
import io
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import types

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn

STAND_INS = []


# ----------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------

def int_list(text):
    return [int(x) for x in text.split(",") if x]


def bool_arg(text):
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"not a boolean: {text}")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--ibot", required=True, help="checkout of the authors' repository (main_ibot.py at its root)")
    p.add_argument("--out", required=True, help="output directory (created)")
    p.add_argument("--only", default="", help="comma-separated subset of: " + ",".join(GENERATORS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--revision", default=None,
                   help="the checkout's commit, recorded in the metadata (default: git rev-parse HEAD in --ibot)")
    g = p.add_argument_group("ViT, head, loss and train steps")
    g.add_argument("--img-size", type=int, default=32, help="global crop size in pixels")
    g.add_argument("--local-size", type=int, default=16, help="local crop size in pixels")
    g.add_argument("--patch-size", type=int, default=4)
    g.add_argument("--embed-dim", type=int, default=64)
    g.add_argument("--depth", type=int, default=2)
    g.add_argument("--heads", type=int, default=4)
    g.add_argument("--mlp-ratio", type=float, default=4.0)
    g.add_argument("--batch", type=int, default=3, help="images per step (and per forward check)")
    g.add_argument("--out-dim", type=int, default=128)
    g.add_argument("--patch-out-dim", type=int, default=96,
                   help="patch output size of a separate head (head_separate; train steps with --shared-head-teacher false)")
    g.add_argument("--hidden-dim", type=int, default=256)
    g.add_argument("--bottleneck-dim", type=int, default=32)
    g.add_argument("--shared-head", type=bool_arg, default=True, help="student head of the train steps")
    g.add_argument("--shared-head-teacher", type=bool_arg, default=True)
    g.add_argument("--norm-last-layer", type=bool_arg, default=False,
                   help="student head's norm_last_layer (train steps) and the head files'")
    g.add_argument("--global-crops", type=int, default=2)
    g.add_argument("--local-crops", type=int, default=3)
    g.add_argument("--lambda1", type=float, default=1.0)
    g.add_argument("--lambda2", type=float, default=1.0)
    g.add_argument("--epochs", type=int, default=10)
    g.add_argument("--epoch", type=int, default=None,
                   help="epoch of the train steps (default 0) and of the loss file (default 1)")
    g.add_argument("--warmup-epochs", type=int, default=0, help="learning-rate warm-up of the train steps")
    g.add_argument("--warmup-teacher-temp-epochs", type=int, default=3)
    g.add_argument("--warmup-teacher-temp", type=float, default=0.04)
    g.add_argument("--teacher-temp", type=float, default=0.07)
    g.add_argument("--warmup-teacher-patch-temp", type=float, default=0.04)
    g.add_argument("--teacher-patch-temp", type=float, default=0.07)
    g.add_argument("--pred-start-epoch", type=int, default=0)
    g.add_argument("--pred-ratio", type=float, nargs="+", default=[0.3])
    g.add_argument("--pred-ratio-var", type=float, nargs="+", default=[0.0])
    g.add_argument("--pred-shape", default="block", choices=["block", "rand"])
    g.add_argument("--lr", type=float, default=0.04,
                   help="main_ibot's --lr: peak learning rate for a batch of 256 (scaled by batch/256)")
    g.add_argument("--min-lr", type=float, default=1e-6)
    g.add_argument("--weight-decay", type=float, default=0.04)
    g.add_argument("--weight-decay-end", type=float, default=0.4)
    g.add_argument("--momentum-teacher", type=float, default=0.996)
    g.add_argument("--clip-grad", type=float, default=0.3, help="per-parameter gradient-norm clip; 0 turns it off")
    g.add_argument("--freeze-last-layer", type=int, default=1, help="epochs with the head's last layer frozen; 0 turns it off")
    g.add_argument("--steps", type=int, default=3, help="recorded optimisation steps")
    g = p.add_argument_group("schedules.json")
    g.add_argument("--schedule-batch", type=int, default=64)
    g.add_argument("--schedule-lr", type=float, default=0.0005)
    g.add_argument("--schedule-iters", type=int, default=7)
    g.add_argument("--schedule-warmup-epochs", type=int, default=2)
    g = p.add_argument_group("mask_stats.json")
    g.add_argument("--mask-grid", type=int, default=16)
    g.add_argument("--mask-samples", type=int, default=4000)
    g.add_argument("--mask-ratio", type=float, default=0.3, help="the fixed-ratio cases")
    g = p.add_argument_group("swin.safetensors")
    g.add_argument("--swin-img-size", type=int, default=32)
    g.add_argument("--swin-patch-size", type=int, default=2)
    g.add_argument("--swin-embed-dim", type=int, default=16)
    g.add_argument("--swin-depths", type=int_list, default=[2, 2])
    g.add_argument("--swin-heads", type=int_list, default=[2, 4])
    g.add_argument("--swin-window", type=int, default=4)
    g = p.add_argument_group("knn.safetensors and unsup.json")
    g.add_argument("--knn-train", type=int, default=300)
    g.add_argument("--knn-test", type=int, default=200, help="at least 100 (eval_knn splits the test set into 100 chunks)")
    g.add_argument("--knn-dim", type=int, default=24)
    g.add_argument("--knn-classes", type=int, default=7)
    g.add_argument("--unsup-samples", type=int, default=500)
    args = p.parse_args(argv)
    if args.knn_test < 100:
        p.error("--knn-test must be at least 100")
    return args


# ----------------------------------------------------------------------------------------------
# Output formats: safetensors with __metadata__.config, and JSON
# ----------------------------------------------------------------------------------------------

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.uint8: "U8", torch.bool: "BOOL"}


def write_safetensors(path, tensors, config):
    """8-byte little-endian header length, JSON header (names sorted, data 8-byte aligned), data."""
    header = {"__metadata__": {"config": json.dumps(config, sort_keys=True)}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in DTYPES:
            raise TypeError(f"{name}: dtype {t.dtype} is not written")
        data = t.numpy().astype(np.uint8).tobytes() if t.dtype == torch.bool else t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(tensors)} tensors)")


def write_json(path, obj, indent=None):
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def with_prefix(prefix, state):
    return {prefix + k: v.detach().clone() for k, v in state.items()}


def strip_module(state):
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}


def randomise(module, scale=0.05, generator=None):
    """Moves every parameter off its initial value so that no term of a forward is trivially zero or one."""
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=generator) * scale)


# ----------------------------------------------------------------------------------------------
# Importing the authors' code
# ----------------------------------------------------------------------------------------------

def install_stand_ins():
    """Stand-ins for optional modules that their imports name but no recorded value depends on."""
    def missing(name):
        try:
            __import__(name)
            return False
        except ImportError:
            return True

    if missing("tensorboardX"):
        m = types.ModuleType("tensorboardX")
        m.SummaryWriter = object
        sys.modules["tensorboardX"] = m
        STAND_INS.append("tensorboardX")
    if missing("munkres"):
        m = types.ModuleType("munkres")
        m.Munkres = object
        sys.modules["munkres"] = m
        STAND_INS.append("munkres")
    if missing("timm"):
        install_timm_stand_in()
        STAND_INS.append("timm")
    if missing("sklearn"):
        import clustering_metrics
        sk = types.ModuleType("sklearn")
        sk.metrics = clustering_metrics
        sys.modules["sklearn"] = sk
        sys.modules["sklearn.metrics"] = clustering_metrics
        STAND_INS.append("sklearn.metrics (numpy, tests/golden/clustering_metrics.py)")


def install_timm_stand_in():
    import collections.abc

    def to_2tuple(x):
        return tuple(x) if isinstance(x, collections.abc.Iterable) else (x, x)

    def trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.):
        with torch.no_grad():
            return nn.init.trunc_normal_(tensor, mean, std, a, b)

    class DropPath(nn.Module):
        def __init__(self, drop_prob=None):
            super().__init__()
            self.drop_prob = drop_prob

        def forward(self, x):
            if not self.drop_prob or not self.training:
                return x
            raise RuntimeError("drop path is not used by the recorded vectors")

    timm = types.ModuleType("timm")
    models = types.ModuleType("timm.models")
    layers = types.ModuleType("timm.models.layers")
    registry = types.ModuleType("timm.models.registry")
    layers.to_2tuple, layers.trunc_normal_, layers.DropPath = to_2tuple, trunc_normal_, DropPath
    registry.register_model = lambda fn: fn
    timm.models, models.layers, models.registry = models, layers, registry
    sys.modules.update({"timm": timm, "timm.models": models, "timm.models.layers": layers,
                        "timm.models.registry": registry})


class Reference:
    """The authors' modules, imported from their checkout."""

    def __init__(self, root, revision=None):
        root = os.path.abspath(root)
        if not os.path.isfile(os.path.join(root, "main_ibot.py")):
            sys.exit(f"{root} has no main_ibot.py: --ibot must name a checkout of the iBOT repository")
        self.root = root
        sys.path.insert(0, root)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        install_stand_ins()
        import utils
        import models
        import main_ibot
        import loader
        from models.head import iBOTHead
        from models.swin_transformer import SwinTransformer
        from models.vision_transformer import VisionTransformer
        from evaluation.eval_knn import knn_classifier
        from evaluation.unsupervised.unsup_cls import eval_pred
        self.utils, self.models, self.main_ibot, self.loader = utils, models, main_ibot, loader
        self.iBOTHead, self.SwinTransformer, self.VisionTransformer = iBOTHead, SwinTransformer, VisionTransformer
        self.knn_classifier, self.eval_pred = knn_classifier, eval_pred
        self.revision = revision or git_revision(root)

    def vit(self, a, masked_im_modeling, drop_path_rate=0.0):
        return self.VisionTransformer(
            img_size=[a.img_size], patch_size=a.patch_size, embed_dim=a.embed_dim, depth=a.depth,
            num_heads=a.heads, mlp_ratio=a.mlp_ratio, qkv_bias=True, drop_path_rate=drop_path_rate,
            return_all_tokens=True, masked_im_modeling=masked_im_modeling)


def git_revision(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@contextlib.contextmanager
def process_group():
    """iBOTLoss.update_center and train_one_epoch all-reduce: a one-process gloo group on the CPU."""
    store = tempfile.NamedTemporaryFile(prefix="ibot-golden-pg-", delete=False)
    store.close()
    os.remove(store.name)
    dist.init_process_group("gloo", init_method="file://" + store.name, world_size=1, rank=0)
    try:
        yield
    finally:
        dist.destroy_process_group()
        if os.path.exists(store.name):
            os.remove(store.name)


def provenance(ref, **config):
    config["generator"] = "tests/golden/make_golden.py"
    config["reference_revision"] = ref.revision
    config["torch"] = torch.__version__
    if STAND_INS:
        config["stand_ins"] = list(STAND_INS)
    return config


# ----------------------------------------------------------------------------------------------
# Forward checks: ViT, head, Swin
# ----------------------------------------------------------------------------------------------

def make_vit(ref, a, out):
    model = ref.vit(a, masked_im_modeling=True)
    randomise(model, 0.02)
    model.eval()
    grid = a.img_size // a.patch_size
    images = torch.randn(a.batch, 3, a.img_size, a.img_size)
    local = torch.randn(a.batch, 3, a.local_size, a.local_size)
    mask = torch.rand(a.batch, grid, grid) < 0.4
    with torch.no_grad():
        # The student switches masked image modelling off for unmasked inputs (train_one_epoch).
        model.masked_im_modeling = False
        tokens_global = model(images)
        tokens_local = model(local)
        attention = model.get_last_selfattention(images)
        model.masked_im_modeling = True
        tokens_masked = model(images, mask=mask)
    tensors = {"input.global": images, "input.local": local, "input.mask": mask,
               "output.tokens_global": tokens_global, "output.tokens_local": tokens_local,
               "output.tokens_masked": tokens_masked, "output.last_attention": attention}
    tensors.update(with_prefix("model.", model.state_dict()))
    write_safetensors(os.path.join(out, "vit.safetensors"), tensors, provenance(
        ref, depth=a.depth, embed_dim=a.embed_dim, img_size=a.img_size, layernorm_eps=1e-6,
        local_size=a.local_size, mlp_ratio=a.mlp_ratio, num_heads=a.heads, patch_size=a.patch_size,
        qkv_bias=True,
        note="tokens_* are all tokens after the final norm ([CLS] first); tokens_masked uses input.mask "
             "(True = patch replaced by masked_embed); last_attention is the softmaxed attention of the last block"))


def make_head(ref, a, out, shared):
    patch_out_dim = a.out_dim if shared else a.patch_out_dim
    head = ref.iBOTHead(a.embed_dim, a.out_dim, patch_out_dim=patch_out_dim, act="gelu", nlayers=3,
                        hidden_dim=a.hidden_dim, bottleneck_dim=a.bottleneck_dim,
                        norm_last_layer=a.norm_last_layer, shared_head=shared)
    with torch.no_grad():
        for name, p in head.named_parameters():
            if name.endswith("weight_g"):
                p.copy_(torch.rand(p.shape) + 0.5)
    head.eval()
    grid = a.img_size // a.patch_size
    tokens = torch.randn(a.batch, 1 + grid * grid, a.embed_dim)
    with torch.no_grad():
        cls, patch = head(tokens)
        cls_2d = head(tokens[:, 0])
    tensors = {"input.tokens": tokens, "output.cls": cls, "output.patch": patch, "output.cls_from_2d": cls_2d}
    tensors.update(with_prefix("model.", head.state_dict()))
    name = "head_shared.safetensors" if shared else "head_separate.safetensors"
    write_safetensors(os.path.join(out, name), tensors, provenance(
        ref, act="gelu", bottleneck_dim=a.bottleneck_dim, hidden_dim=a.hidden_dim, in_dim=a.embed_dim, nlayers=3,
        norm_last_layer=a.norm_last_layer, out_dim=a.out_dim, patch_out_dim=patch_out_dim, shared_head=shared,
        note="last_layer is weight-normalised: weight = weight_g * weight_v / ||weight_v|| (row-wise); "
             "weight_g values were randomised after construction"))


def make_swin(ref, a, out):
    model = ref.SwinTransformer(
        img_size=a.swin_img_size, patch_size=a.swin_patch_size, in_chans=3, num_classes=0,
        embed_dim=a.swin_embed_dim, depths=a.swin_depths, num_heads=a.swin_heads, window_size=a.swin_window,
        mlp_ratio=4., qkv_bias=True, drop_path_rate=0., ape=False, patch_norm=True,
        return_all_tokens=True, masked_im_modeling=True)
    randomise(model, 0.05)
    model.eval()
    final_grid = a.swin_img_size // a.swin_patch_size // 2 ** (len(a.swin_depths) - 1)
    images = torch.randn(a.batch, 3, a.swin_img_size, a.swin_img_size)
    mask = torch.rand(a.batch, final_grid, final_grid) < 0.4
    with torch.no_grad():
        tokens = model(images, return_all_tokens=True)
        tokens_masked = model(images, return_all_tokens=True, mask=mask)
    tensors = {"input.images": images, "input.mask": mask, "output.tokens": tokens, "output.tokens_masked": tokens_masked}
    # Parameters only: relative_position_index is a constant buffer that any implementation derives.
    tensors.update({"state." + k: v.detach().clone() for k, v in model.named_parameters()})
    write_safetensors(os.path.join(out, "swin.safetensors"), tensors, provenance(
        ref, ape=False, batch=a.batch, depths=a.swin_depths, embed_dim=a.swin_embed_dim, final_grid=final_grid,
        img_size=a.swin_img_size, mlp_ratio=4, norm_eps=1e-6, num_heads=a.swin_heads, patch_norm=True,
        patch_size=a.swin_patch_size, qkv_bias=True, variant="public", window_size=a.swin_window,
        note="forward(x, return_all_tokens=True): [avgpool of final-norm tokens] + final-norm tokens; mask is at the "
             "final grid and is repeated up to the patch grid, masked patch embeddings replaced by masked_embed "
             "(after the patch-embedding norm)"))


# ----------------------------------------------------------------------------------------------
# Loss and schedules
# ----------------------------------------------------------------------------------------------

def loss_module(ref, a, patch_out_dim):
    return ref.main_ibot.iBOTLoss(
        a.out_dim, patch_out_dim, a.global_crops, a.local_crops, a.warmup_teacher_temp, a.teacher_temp,
        a.warmup_teacher_patch_temp, a.teacher_patch_temp, a.warmup_teacher_temp_epochs, a.epochs,
        lambda1=a.lambda1, lambda2=a.lambda2, mim_start_epoch=a.pred_start_epoch)


def make_loss(ref, a, out):
    same_dim = a.shared_head or a.shared_head_teacher
    patch_out_dim = a.out_dim if same_dim else a.patch_out_dim
    epoch = 1 if a.epoch is None else a.epoch
    g, l, b = a.global_crops, a.local_crops, a.batch
    grid = a.img_size // a.patch_size
    loss = loss_module(ref, a, patch_out_dim)
    center, center2 = torch.randn(1, a.out_dim) * 0.5, torch.randn(1, 1, patch_out_dim) * 0.5
    loss.center.copy_(center)
    loss.center2.copy_(center2)
    student_cls = (torch.randn(g * b, a.out_dim) * 2).requires_grad_()
    student_patch = (torch.randn(g * b, grid * grid, patch_out_dim) * 2).requires_grad_()
    student_local = (torch.randn(l * b, a.out_dim) * 2).requires_grad_() if l > 0 else None
    teacher_cls = torch.randn(g * b, a.out_dim) * 2
    teacher_patch = torch.randn(g * b, grid * grid, patch_out_dim) * 2
    masks = torch.rand(g, b, grid, grid) < 0.3
    masks[0, 0] = False  # one image without a masked patch: the reference divides by at least 1
    with process_group():
        parts = loss((student_cls, student_patch), (teacher_cls, teacher_patch), student_local,
                     [masks[i] for i in range(g)], epoch)
    parts["loss"].backward()
    tensors = {"input.center": center, "input.center2": center2, "input.masks": masks,
               "input.student_cls": student_cls, "input.student_patch": student_patch,
               "input.teacher_cls": teacher_cls, "input.teacher_patch": teacher_patch,
               "output.center": loss.center, "output.center2": loss.center2,
               "output.grad_student_cls": student_cls.grad, "output.grad_student_patch": student_patch.grad,
               "output.loss": parts["loss"], "output.loss_cls": parts["cls"], "output.loss_patch": parts["patch"],
               "output.teacher_temp_schedule": torch.from_numpy(np.asarray(loss.teacher_temp_schedule, dtype=np.float64)),
               "output.teacher_temp2_schedule": torch.from_numpy(np.asarray(loss.teacher_temp2_schedule, dtype=np.float64))}
    if student_local is not None:
        tensors["input.student_local_cls"] = student_local
        tensors["output.grad_student_local_cls"] = student_local.grad
    write_safetensors(os.path.join(out, "loss.safetensors"), tensors, provenance(
        ref, batch=b, center_momentum=0.9, center_momentum2=0.9, epoch=epoch, epochs=a.epochs, global_crops=g,
        lambda1=a.lambda1, lambda2=a.lambda2, local_crops=l, mim_start_epoch=a.pred_start_epoch, out_dim=a.out_dim,
        student_temp=0.1, teacher_patch_temp=a.teacher_patch_temp, teacher_temp=a.teacher_temp,
        warmup_teacher_patch_temp=a.warmup_teacher_patch_temp, warmup_teacher_temp=a.warmup_teacher_temp,
        warmup_teacher_temp_epochs=a.warmup_teacher_temp_epochs,
        note="student/teacher outputs are crop-major (crop 0 images, then crop 1, ...); masks[c] belongs to global "
             "crop c; center/center2 are the values after the update that follows the loss"))


def make_schedules(ref, a, out):
    u = ref.utils
    lr = u.cosine_scheduler(a.schedule_lr * a.schedule_batch / 256., a.min_lr, a.epochs, a.schedule_iters,
                            warmup_epochs=a.schedule_warmup_epochs)
    wd = u.cosine_scheduler(a.weight_decay, a.weight_decay_end, a.epochs, a.schedule_iters)
    momentum = u.cosine_scheduler(a.momentum_teacher, 1, a.epochs, a.schedule_iters)
    config = provenance(ref, batch_size=a.schedule_batch, base_lr=a.schedule_lr, min_lr=a.min_lr, epochs=a.epochs,
                        iters_per_epoch=a.schedule_iters, warmup_epochs=a.schedule_warmup_epochs,
                        weight_decay=a.weight_decay, weight_decay_end=a.weight_decay_end,
                        momentum_teacher=a.momentum_teacher,
                        note="lr is scaled by batch_size/256 (linear scaling rule); one value per iteration")
    write_json(os.path.join(out, "schedules.json"), {
        "config": config, "lr": [float(x) for x in lr], "weight_decay": [float(x) for x in wd],
        "momentum": [float(x) for x in momentum]}, indent=1)


# ----------------------------------------------------------------------------------------------
# Masks: the authors' ImageFolderMask, on a throw-away image folder
# ----------------------------------------------------------------------------------------------

def image_folder(root, count):
    """An ImageFolder root with one class and `count` tiny PNGs; the transforms below ignore the pixels."""
    from PIL import Image
    os.makedirs(os.path.join(root, "c"), exist_ok=True)
    for i in range(count):
        Image.new("RGB", (4, 4)).save(os.path.join(root, "c", f"{i:04}.png"))
    return root


def mask_dataset(ref, root, transform, patch_size, pred_ratio, pred_ratio_var, pred_shape, pred_start_epoch=0):
    return ref.loader.ImageFolderMask(
        root, transform=transform, patch_size=patch_size, pred_ratio=list(pred_ratio),
        pred_ratio_var=list(pred_ratio_var), pred_aspect_ratio=(0.3, 1 / 0.3), pred_shape=pred_shape,
        pred_start_epoch=pred_start_epoch)


def make_mask_stats(ref, a, out):
    psz = 16
    size = a.mask_grid * psz
    crop = torch.zeros(3, size, size)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        root = image_folder(tmp, 1)
        for shape in ("block", "rand"):
            for ratio, var in (([a.mask_ratio], [0.0]), ([0.0, 0.3], [0.0, 0.2])):
                ds = mask_dataset(ref, root, lambda img: [crop], psz, ratio, var, shape)
                counts = np.array([int(ds[0][2][0].sum()) for _ in range(a.mask_samples)])
                histogram = np.bincount(counts, minlength=a.mask_grid ** 2 + 1)
                cases.append({
                    "shape": shape, "grid": a.mask_grid,
                    "pred_ratio": ratio[0] if len(ratio) == 1 else ratio,
                    "pred_ratio_var": var[0] if len(var) == 1 else var,
                    "samples": a.mask_samples, "mean_masked": float(counts.mean()),
                    "std_masked": float(counts.std()), "zero_fraction": float((counts == 0).mean()),
                    "histogram": [int(x) for x in histogram]})
                print(f"mask case {shape} {ratio}±{var}: mean {counts.mean():.3f} std {counts.std():.3f} "
                      f"zero {np.mean(counts == 0):.4f}")
    write_json(os.path.join(out, "mask_stats.json"), {
        "note": "distribution of masked-patch counts per image from the official mask generator (aspect ratio "
                "range 0.3..1/0.3); compare distributions, not samples; std_masked is numpy's std (ddof 0)",
        "generator": "tests/golden/make_golden.py", "reference_revision": ref.revision, "cases": cases})


# ----------------------------------------------------------------------------------------------
# Evaluation: weighted k-NN and clustering metrics
# ----------------------------------------------------------------------------------------------

def clustered(n, dim, classes, spread):
    centres = torch.randn(classes, dim)
    labels = torch.randint(0, classes, (n,))
    features = centres[labels] + spread * torch.randn(n, dim)
    return nn.functional.normalize(features, dim=1, p=2), labels


def make_knn(ref, a, out):
    # Train and test features from the same class centres: drawn together, then split.
    features, labels = clustered(a.knn_train + a.knn_test, a.knn_dim, a.knn_classes, 1.2)
    train, train_labels = features[:a.knn_train], labels[:a.knn_train]
    test, test_labels = features[a.knn_train:], labels[a.knn_train:]
    results = {}
    for k in (10, 20):
        top1, top5 = ref.knn_classifier(train, train_labels, test, test_labels, k, 0.07, use_cuda=False,
                                        num_classes=a.knn_classes)
        results[str(k)] = {"top1": float(top1), "top5": float(top5)}
    write_safetensors(os.path.join(out, "knn.safetensors"), {
        "input.train_features": train, "input.train_labels": train_labels,
        "input.test_features": test, "input.test_labels": test_labels}, provenance(
        ref, num_classes=a.knn_classes, results=results, temperature=0.07,
        note="weighted k-NN of the official eval_knn.knn_classifier; top1/top5 in percent"))


def make_unsup(ref, a, out):
    rng = np.random.default_rng(a.seed)
    labels = rng.integers(0, 6, a.unsup_samples)
    # Predictions: a relabelled copy with a third of the samples scattered over 9 clusters.
    predictions = rng.permutation(9)[labels]
    noisy = rng.random(a.unsup_samples) < 0.35
    predictions[noisy] = rng.integers(0, 9, int(noisy.sum()))
    nmi, ari, fmi, _ = ref.eval_pred(labels, predictions, calc_acc=False)
    write_json(os.path.join(out, "unsup.json"), {
        "labels": [int(x) for x in labels], "predictions": [int(x) for x in predictions],
        "nmi": float(nmi), "ari": float(ari), "fowlkes_mallows": float(fmi),
        "note": "evaluation/unsupervised/unsup_cls.eval_pred (scikit-learn's normalized_mutual_info_score, "
                "adjusted_rand_score, fowlkes_mallows_score)",
        "generator": "tests/golden/make_golden.py", "stand_ins": list(STAND_INS)})


# ----------------------------------------------------------------------------------------------
# Image operations: torchvision and PIL, as main_ibot's DataAugmentationiBOT and utils use them
# ----------------------------------------------------------------------------------------------

def make_augment(ref, a, out):
    from PIL import Image, ImageFilter, ImageOps
    import torchvision
    import torchvision.transforms.functional as F
    h, w = 47, 61
    # Smooth colour ramps plus noise: every channel varies, nothing saturates everywhere.
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([xx * 255.0 / w, yy * 255.0 / h, (xx + yy) * 127.0 / (h + w) + 64], axis=-1)
    pixels = np.clip(base + np.random.default_rng(a.seed).normal(0, 30, (h, w, 3)), 0, 255).astype(np.uint8)
    img = Image.fromarray(pixels, "RGB")
    down = {"top": 5, "left": 7, "height": 30, "width": 25, "size": 24}
    up = {"top": 10, "left": 10, "height": 12, "width": 14, "size": 32}
    p = {"brightness": 1.3, "contrast": 0.6, "saturation": 1.4, "hue": 0.08, "gaussian_blur_radius": 1.3,
         "solarize_threshold": 128}
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    bicubic = torchvision.transforms.InterpolationMode.BICUBIC

    def crop(box):
        return F.resized_crop(img, box["top"], box["left"], box["height"], box["width"], [box["size"], box["size"]], bicubic)

    def u8(image):
        return torch.from_numpy(np.asarray(image, dtype=np.uint8).copy())

    tensors = {
        "input.image": u8(img),
        "output.resized_crop_down": u8(crop(down)),
        "output.resized_crop_up": u8(crop(up)),
        "output.hflip": u8(F.hflip(img)),
        "output.brightness": u8(F.adjust_brightness(img, p["brightness"])),
        "output.contrast": u8(F.adjust_contrast(img, p["contrast"])),
        "output.saturation": u8(F.adjust_saturation(img, p["saturation"])),
        "output.hue": u8(F.adjust_hue(img, p["hue"])),
        "output.grayscale": u8(F.rgb_to_grayscale(img, num_output_channels=3)),
        # utils.GaussianBlur and utils.Solarization, with their random draws fixed.
        "output.gaussian_blur": u8(img.filter(ImageFilter.GaussianBlur(radius=p["gaussian_blur_radius"]))),
        "output.solarize": u8(ImageOps.solarize(img, threshold=p["solarize_threshold"])),
        "output.normalized": F.normalize(F.to_tensor(img), mean, std),
    }
    write_safetensors(os.path.join(out, "augment.safetensors"), tensors, provenance(
        ref, resized_crop_down=down, resized_crop_up=up, normalize={"mean": list(mean), "std": list(std)},
        torchvision=torchvision.__version__, pil=Image.__version__, **p,
        note="images are HWC RGB, dtype U8; resized crops use bicubic resampling with antialiasing when shrinking "
             "(PIL); gaussian_blur is PIL's GaussianBlur(radius) where radius is the standard deviation; normalized "
             "is CHW float32 after to_tensor (x/255) and per-channel normalisation"))


# ----------------------------------------------------------------------------------------------
# Training: main_ibot's networks, loss, optimizer and schedules, stepped by its train_one_epoch
# ----------------------------------------------------------------------------------------------

def reference_args(ref, a):
    """main_ibot's own argument parser, as a run with these options would parse them."""
    argv = ["--arch", "vit_tiny", "--patch_size", str(a.patch_size), "--out_dim", str(a.out_dim),
            # A separate student head against a shared teacher head needs equal sizes (the loss compares them).
            "--patch_out_dim", str(a.patch_out_dim if not (a.shared_head or a.shared_head_teacher) else a.out_dim),
            "--shared_head", str(a.shared_head), "--shared_head_teacher", str(a.shared_head_teacher),
            "--norm_last_layer", str(a.norm_last_layer), "--momentum_teacher", str(a.momentum_teacher),
            "--use_masked_im_modeling", "true", "--pred_ratio", *map(str, a.pred_ratio),
            "--pred_ratio_var", *map(str, a.pred_ratio_var), "--pred_shape", a.pred_shape,
            "--pred_start_epoch", str(a.pred_start_epoch), "--lambda1", str(a.lambda1), "--lambda2", str(a.lambda2),
            "--warmup_teacher_temp", str(a.warmup_teacher_temp), "--teacher_temp", str(a.teacher_temp),
            "--warmup_teacher_patch_temp", str(a.warmup_teacher_patch_temp),
            "--teacher_patch_temp", str(a.teacher_patch_temp),
            "--warmup_teacher_temp_epochs", str(a.warmup_teacher_temp_epochs), "--use_fp16", "false",
            "--weight_decay", str(a.weight_decay), "--weight_decay_end", str(a.weight_decay_end),
            "--clip_grad", str(a.clip_grad), "--batch_size_per_gpu", str(a.batch), "--epochs", str(a.epochs),
            "--freeze_last_layer", str(a.freeze_last_layer), "--lr", str(a.lr), "--warmup_epochs", str(a.warmup_epochs),
            "--min_lr", str(a.min_lr), "--optimizer", "adamw", "--drop_path", "0",
            "--global_crops_number", str(a.global_crops), "--local_crops_number", str(a.local_crops),
            "--output_dir", ".", "--seed", str(a.seed), "--num_workers", "0"]
    args = ref.main_ibot.get_args_parser().parse_args(argv)
    # What utils.init_distributed_mode adds on a one-GPU run.
    args.rank, args.gpu, args.world_size = 0, 0, 1
    return args


class Training:
    """train_ibot's set-up (student, teacher, loss, optimizer, schedules) for the sizes in `a`."""

    def __init__(self, ref, a, args, iters_per_epoch):
        u = ref.utils
        self.ref, self.args = ref, args
        student = ref.vit(a, masked_im_modeling=args.use_masked_im_modeling, drop_path_rate=args.drop_path)
        teacher = ref.vit(a, masked_im_modeling=False)
        embed_dim = student.embed_dim
        student = u.MultiCropWrapper(student, ref.iBOTHead(
            embed_dim, args.out_dim, patch_out_dim=args.patch_out_dim, norm=args.norm_in_head, act=args.act_in_head,
            norm_last_layer=args.norm_last_layer, shared_head=args.shared_head,
            hidden_dim=a.hidden_dim, bottleneck_dim=a.bottleneck_dim))
        teacher = u.MultiCropWrapper(teacher, ref.iBOTHead(
            embed_dim, args.out_dim, patch_out_dim=args.patch_out_dim, norm=args.norm_in_head, act=args.act_in_head,
            shared_head=args.shared_head_teacher, hidden_dim=a.hidden_dim, bottleneck_dim=a.bottleneck_dim))
        self.teacher_without_ddp = teacher
        self.student = nn.parallel.DistributedDataParallel(student)  # CPU, gloo: all-reduce over one process
        self.teacher = teacher
        teacher.load_state_dict(self.student.module.state_dict(), strict=False)
        for p in teacher.parameters():
            p.requires_grad = False
        same_dim = args.shared_head or args.shared_head_teacher
        self.patch_out_dim = args.out_dim if same_dim else args.patch_out_dim
        self.loss = ref.main_ibot.iBOTLoss(
            args.out_dim, self.patch_out_dim, args.global_crops_number, args.local_crops_number,
            args.warmup_teacher_temp, args.teacher_temp, args.warmup_teacher_patch_temp, args.teacher_patch_temp,
            args.warmup_teacher_temp_epochs, args.epochs, lambda1=args.lambda1, lambda2=args.lambda2,
            mim_start_epoch=args.pred_start_epoch)
        self.optimizer = torch.optim.AdamW(u.get_params_groups(self.student))
        self.lr_schedule = u.cosine_scheduler(args.lr * (args.batch_size_per_gpu * u.get_world_size()) / 256.,
                                              args.min_lr, args.epochs, iters_per_epoch, warmup_epochs=args.warmup_epochs)
        self.wd_schedule = u.cosine_scheduler(args.weight_decay, args.weight_decay_end, args.epochs, iters_per_epoch)
        self.momentum_schedule = u.cosine_scheduler(args.momentum_teacher, 1, args.epochs, iters_per_epoch)

    def batches(self, a, epoch, steps, image_root):
        """Multi-crop batches with masks from ImageFolderMask, collated by torch's DataLoader."""
        args = self.args

        def crops(_image):
            return ([torch.randn(3, a.img_size, a.img_size) for _ in range(args.global_crops_number)]
                    + [torch.randn(3, a.local_size, a.local_size) for _ in range(args.local_crops_number)])

        dataset = mask_dataset(self.ref, image_root, crops, args.patch_size, args.pred_ratio, args.pred_ratio_var,
                               args.pred_shape, args.pred_start_epoch)
        dataset.set_epoch(epoch)
        loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch_size_per_gpu, shuffle=False,
                                             num_workers=0, drop_last=True)
        batches = list(loader)
        assert len(batches) == steps, (len(batches), steps)
        return batches

    def train_one_epoch(self, batches, epoch):
        """Their train_one_epoch, on the CPU: .cuda() and cuda.synchronize are identities, and the metric
        logger's cross-process sync (a CUDA tensor; one process here) is skipped. Returns the losses of
        every step as their loss module returned them."""
        losses = []
        hook = self.loss.register_forward_hook(
            lambda _m, _i, out: losses.append([float(out["loss"]), float(out["cls"]), float(out["patch"])]))
        cuda, sync = torch.Tensor.cuda, torch.cuda.synchronize
        logger_sync = self.ref.utils.MetricLogger.synchronize_between_processes
        torch.Tensor.cuda = lambda t, *args, **kwargs: t
        torch.cuda.synchronize = lambda *args, **kwargs: None
        self.ref.utils.MetricLogger.synchronize_between_processes = lambda self: None
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                self.ref.main_ibot.train_one_epoch(
                    self.student, self.teacher, self.teacher_without_ddp, self.loss, batches, self.optimizer,
                    self.lr_schedule, self.wd_schedule, self.momentum_schedule, epoch, None, self.args)
        finally:
            torch.Tensor.cuda, torch.cuda.synchronize = cuda, sync
            self.ref.utils.MetricLogger.synchronize_between_processes = logger_sync
            hook.remove()
        return losses


def temperature_text(warmup, final, warmup_epochs, epochs):
    return f"warmup {warmup} -> {final} over {warmup_epochs} of {epochs} epochs"


def make_train_steps(ref, a, out):
    epoch = 0 if a.epoch is None else a.epoch
    with tempfile.TemporaryDirectory() as tmp, process_group():
        args = reference_args(ref, a)
        t = Training(ref, a, args, a.steps)
        root = image_folder(os.path.join(tmp, "images"), a.batch * a.steps)
        batches = t.batches(a, epoch, a.steps, root)
        init_student = with_prefix("init.student.", t.student.module.state_dict())
        init_teacher = with_prefix("init.teacher.", t.teacher_without_ddp.state_dict())
        losses = t.train_one_epoch(batches, epoch)
    its = [a.steps * epoch + i for i in range(a.steps)]
    tensors = {**init_student, **init_teacher,
               **with_prefix("final.student.", t.student.module.state_dict()),
               **with_prefix("final.teacher.", t.teacher_without_ddp.state_dict()),
               "final.center": t.loss.center, "final.center2": t.loss.center2,
               "output.losses": torch.tensor(losses, dtype=torch.float64)}
    for s, (images, _labels, masks) in enumerate(batches):
        for i, image in enumerate(images):
            tensors[f"step{s}.image{i}"] = image
        for i in range(args.global_crops_number):
            tensors[f"step{s}.mask{i}"] = masks[i]
    write_safetensors(os.path.join(out, "train_steps.safetensors"), tensors, provenance(
        ref, batch=a.batch, clip_grad=a.clip_grad, epoch=epoch, epochs=a.epochs, freeze_last_layer=a.freeze_last_layer,
        global_crops=a.global_crops, local_crops=a.local_crops, lambda1=a.lambda1, lambda2=a.lambda2,
        pred_start_epoch=a.pred_start_epoch, mim_start_epoch=a.pred_start_epoch, student_temp=0.1, steps=a.steps,
        head={"bottleneck_dim": a.bottleneck_dim, "hidden_dim": a.hidden_dim, "out_dim": a.out_dim,
              "patch_out_dim": args.patch_out_dim if not a.shared_head else a.out_dim,
              "norm_last_layer_student": a.norm_last_layer, "norm_last_layer_teacher": True,
              "shared_head": a.shared_head, "shared_head_teacher": a.shared_head_teacher},
        vit={"depth": a.depth, "drop_path": 0.0, "embed_dim": a.embed_dim, "img_size": a.img_size,
             "local_size": a.local_size, "num_heads": a.heads, "patch_size": a.patch_size},
        lr=[float(t.lr_schedule[i]) for i in its], weight_decay=[float(t.wd_schedule[i]) for i in its],
        momentum=[float(t.momentum_schedule[i]) for i in its],
        teacher_temp_schedule=temperature_text(a.warmup_teacher_temp, a.teacher_temp, a.warmup_teacher_temp_epochs, a.epochs),
        teacher_patch_temp_schedule=temperature_text(a.warmup_teacher_patch_temp, a.teacher_patch_temp,
                                                     a.warmup_teacher_temp_epochs, a.epochs),
        optimizer="adamw (torch defaults: betas 0.9/0.999, eps 1e-8)",
        param_groups="weight decay on every parameter except biases and 1-d parameters",
        note="main_ibot.train_one_epoch on the CPU (DistributedDataParallel over one gloo process); the student "
             "starts from init.student.*, the teacher from init.teacher.* (train_ibot's load_state_dict(strict=False) "
             "of the student's weights; no masked_embed); lr/weight_decay/momentum are the per-step values used; "
             "clip_grad clips each parameter's gradient norm on its own (utils.clip_gradients), 0 = off; "
             "output.losses rows are [total, cls, patch] per step"))


# ----------------------------------------------------------------------------------------------
# Checkpoints as the authors' code writes them
# ----------------------------------------------------------------------------------------------

def grad_scaler_state(steps):
    """main_ibot saves fp16_scaler.state_dict() when --use_fp16 is on (its default). GradScaler is CUDA-only
    and disables itself on a CPU, so this is torch's own state_dict() of an enabled scaler after `steps`
    steps without an overflow (init_scale 2**16, growth tracker = steps)."""
    available = torch.cuda.amp.grad_scaler.amp_definitely_not_available
    torch.cuda.amp.grad_scaler.amp_definitely_not_available = lambda: False
    try:
        scaler = torch.cuda.amp.GradScaler()
    finally:
        torch.cuda.amp.grad_scaler.amp_definitely_not_available = available
    scaler._scale = torch.full((1,), 2.0 ** 16)
    scaler._growth_tracker = torch.full((1,), steps, dtype=torch.int32)
    return scaler.state_dict()


def run_script(ref, script, *argv):
    subprocess.run([sys.executable, os.path.join(ref.root, script), *argv], cwd=ref.root, check=True,
                   stdout=subprocess.DEVNULL)


def make_checkpoints(ref, a, out):
    """A tiny run's checkpoint.pth exactly as main_ibot saves it after an epoch (two real steps of its
    train_one_epoch), and the files their scripts derive from it, with the expected weights beside them."""
    tiny = copy.copy(a)
    tiny.img_size, tiny.local_size, tiny.patch_size, tiny.embed_dim, tiny.depth, tiny.heads = 16, 8, 4, 16, 1, 2
    tiny.out_dim, tiny.patch_out_dim, tiny.hidden_dim, tiny.bottleneck_dim = 32, 32, 32, 8
    tiny.batch, tiny.global_crops, tiny.local_crops, tiny.epochs, tiny.warmup_epochs = 2, 2, 1, 4, 1
    tiny.warmup_teacher_temp_epochs, tiny.freeze_last_layer, tiny.pred_start_epoch = 2, 1, 0
    steps, epoch = 2, 0
    with tempfile.TemporaryDirectory() as tmp, process_group():
        args = reference_args(ref, tiny)
        args.use_fp16 = True  # main_ibot's default; the scaler's state is written as on a GPU
        t = Training(ref, tiny, args, steps)
        batches = t.batches(tiny, epoch, steps, image_folder(os.path.join(tmp, "images"), tiny.batch * steps))
        t.train_one_epoch(batches, epoch)
        fp16_scaler = grad_scaler_state(steps)
        # ============ writing logs ... ============ (train_ibot, verbatim keys)
        save_dict = {
            'student': t.student.state_dict(),
            'teacher': t.teacher.state_dict(),
            'optimizer': t.optimizer.state_dict(),
            'epoch': epoch + 1,
            'args': args,
            'ibot_loss': t.loss.state_dict(),
        }
        save_dict['fp16_scaler'] = fp16_scaler
        full = os.path.join(out, "checkpoint.pth")
        ref.utils.save_on_master(save_dict, full)
        teacher_only = os.path.join(out, "checkpoint_teacher.pth")
        run_script(ref, "extract_backbone_weights.py", full, teacher_only, "--checkpoint_key", "teacher")
        run_script(ref, "extract_backbone_weights.py", full, os.path.join(out, "checkpoint_student_with_head.pth"),
                   "--checkpoint_key", "student", "--with_head", "true")
        run_script(ref, "evaluation/classification_layer_decay/extract_backbone_weights.py", full,
                   os.path.join(out, "checkpoint_backbone.pth"), "--checkpoint_key", "teacher")
        linear = os.path.join(tmp, "checkpoint_teacher_linear.pth")
        save_linear_checkpoint(ref, tiny.embed_dim, linear)
        run_script(ref, "analysis/combine_ckpt.py", "--checkpoint_backbone", teacher_only,
                   "--checkpoint_linear", linear, "--output_file", os.path.join(out, "checkpoint_linear_combined.pth"))
    files = {
        "checkpoint.pth": {"writer": "main_ibot.py train_ibot save_dict, utils.save_on_master",
                           "networks": ["teacher", "student"]},
        "checkpoint_teacher.pth": {"writer": "extract_backbone_weights.py --checkpoint_key teacher",
                                   "networks": ["teacher"]},
        "checkpoint_student_with_head.pth": {
            "writer": "extract_backbone_weights.py --checkpoint_key student --with_head true", "networks": ["student"]},
        "checkpoint_backbone.pth": {
            "writer": "evaluation/classification_layer_decay/extract_backbone_weights.py --checkpoint_key teacher",
            "networks": ["teacher"]},
        "checkpoint_linear_combined.pth": {
            "writer": "analysis/combine_ckpt.py (checkpoint_teacher.pth + an eval_linear_multi checkpoint)",
            "networks": ["teacher"]},
    }
    for name in files:
        files[name]["bytes"] = os.path.getsize(os.path.join(out, name))
    tensors = {**with_prefix("teacher.", t.teacher_without_ddp.state_dict()),
               **with_prefix("student.", t.student.module.state_dict()),
               "center": t.loss.center, "center2": t.loss.center2}
    write_safetensors(os.path.join(out, "checkpoints.safetensors"), tensors, provenance(
        ref, files=files, epoch=epoch + 1, steps=steps, fp16_scaler=fp16_scaler,
        lr=[float(t.optimizer.param_groups[i]["lr"]) for i in range(2)],
        weight_decay=[float(t.optimizer.param_groups[i]["weight_decay"]) for i in range(2)],
        vit={"depth": tiny.depth, "embed_dim": tiny.embed_dim, "img_size": tiny.img_size, "num_heads": tiny.heads,
             "patch_size": tiny.patch_size},
        note="teacher.* / student.* are the networks' weights when checkpoint.pth was written (student without "
             "DDP's module. prefix); each file's networks hold these backbone weights"))


def save_linear_checkpoint(ref, feat_dim, path):
    """The checkpoint evaluation/eval_linear_multi.py writes (its save_dict keys), for two sweep entries after
    one SGD step each: the input that analysis/combine_ckpt.py expects."""
    from evaluation.eval_linear_multi import LinearClassifier
    classifiers, optimizers, schedulers = nn.ModuleList(), [], []
    for lr in (0.001, 0.01):
        c = nn.parallel.DistributedDataParallel(LinearClassifier(feat_dim, num_labels=5))
        classifiers.append(c)
        optimizer = torch.optim.SGD(c.parameters(), lr, momentum=0.9, weight_decay=0)
        c(torch.randn(4, feat_dim)).sum().backward()
        optimizer.step()
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, 10, eta_min=0)
        scheduler.step()
        optimizers.append(optimizer)
        schedulers.append(scheduler)
    save_dict = {
        "epoch": 1,
        "state_dict": classifiers.state_dict(),
        "optimizers": [optimizer.state_dict() for optimizer in optimizers],
        "schedulers": [scheduler.state_dict() for scheduler in schedulers],
        "best_acc": 40.0,
        'best_acc_hidx': 1,
        "best_acc_sweep_lr_only": 40.0,
    }
    torch.save(save_dict, path)


# ----------------------------------------------------------------------------------------------

GENERATORS = {
    "vit": make_vit,
    "head_shared": lambda ref, a, out: make_head(ref, a, out, True),
    "head_separate": lambda ref, a, out: make_head(ref, a, out, False),
    "loss": make_loss,
    "schedules": make_schedules,
    "mask_stats": make_mask_stats,
    "knn": make_knn,
    "unsup": make_unsup,
    "augment": make_augment,
    "swin": make_swin,
    "train_steps": make_train_steps,
    "checkpoints": make_checkpoints,
}


def main(argv=None):
    a = parse_args(argv)
    ref = Reference(a.ibot, a.revision)
    a.out = os.path.abspath(a.out)  # their scripts run with the checkout as working directory
    os.makedirs(a.out, exist_ok=True)
    only = [x for x in a.only.split(",") if x] or list(GENERATORS)
    unknown = [x for x in only if x not in GENERATORS]
    if unknown:
        sys.exit(f"unknown --only entries: {unknown}; choose from {list(GENERATORS)}")
    torch.set_num_threads(1)  # deterministic reductions
    for i, name in enumerate(only):
        seed = a.seed * 1000 + list(GENERATORS).index(name)
        ref.utils.fix_random_seeds(seed)
        GENERATORS[name](ref, a, a.out)


if __name__ == "__main__":
    main()
