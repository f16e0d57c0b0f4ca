#!/usr/bin/env python3
"""Check a vector set against the paper authors' code: recompute every output from the file's own
inputs, weights and options with their modules, and report how far each recorded value is.

    /usr/bin/python3 tests/golden/verify_golden.py --ibot /path/to/ibot-checkout [--golden tests/golden]

Deterministic outputs (forwards, loss, schedules, k-NN, clustering scores, image operations, the
replayed training steps) are compared value by value; mask statistics, which are samples, are
compared with the parity tests' criteria against a fresh sample of the authors' generator.
Exits 1 if any recorded value is off by more than the parity tests' tolerances.
"""
import argparse
import json
import os
import struct
import sys
import tempfile
import types

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402

NUMPY = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U8": np.uint8, "BOOL": np.bool_}
FAILURES = []


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    config = json.loads(header.pop("__metadata__", {}).get("config", "{}"))
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=NUMPY[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, config


def prefixed(tensors, prefix):
    return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}


def report(what, ours, recorded, tolerance):
    # Python and numpy numbers straight to float64 (torch.as_tensor would round them to float32 first).
    ours, recorded = (x.double() if torch.is_tensor(x) else torch.as_tensor(np.asarray(x, dtype=np.float64))
                      for x in (ours, recorded))
    if ours.shape != recorded.shape:
        FAILURES.append(what)
        print(f"  {what}: shape {list(ours.shape)} vs recorded {list(recorded.shape)}  FAIL")
        return
    norm = recorded.norm().item()
    error = (ours - recorded).norm().item() / (norm if norm > 0 else 1.0)
    ok = error <= tolerance
    if not ok:
        FAILURES.append(what)
    print(f"  {what}: relative error {error:.2e} (tolerance {tolerance:.0e}){'' if ok else '  FAIL'}")


def vit(ref, d):
    t, c = read_safetensors(os.path.join(d, "vit.safetensors"))
    a = types.SimpleNamespace(img_size=c["img_size"], patch_size=c["patch_size"], embed_dim=c["embed_dim"],
                              depth=c["depth"], heads=c["num_heads"], mlp_ratio=c["mlp_ratio"])
    model = ref.vit(a, masked_im_modeling=True)
    model.load_state_dict(prefixed(t, "model."))
    model.eval()
    with torch.no_grad():
        model.masked_im_modeling = False
        report("vit tokens_global", model(t["input.global"]), t["output.tokens_global"], 1e-6)
        report("vit tokens_local", model(t["input.local"]), t["output.tokens_local"], 1e-6)
        report("vit last_attention", model.get_last_selfattention(t["input.global"]), t["output.last_attention"], 1e-6)
        model.masked_im_modeling = True
        report("vit tokens_masked", model(t["input.global"], mask=t["input.mask"]), t["output.tokens_masked"], 1e-6)


def head(ref, d, name):
    t, c = read_safetensors(os.path.join(d, name))
    h = ref.iBOTHead(c["in_dim"], c["out_dim"], patch_out_dim=c["patch_out_dim"], act=c["act"], nlayers=c["nlayers"],
                     hidden_dim=c["hidden_dim"], bottleneck_dim=c["bottleneck_dim"],
                     norm_last_layer=c["norm_last_layer"], shared_head=c["shared_head"])
    h.load_state_dict(prefixed(t, "model."))
    h.eval()
    with torch.no_grad():
        cls, patch = h(t["input.tokens"])
        report(f"{name} cls", cls, t["output.cls"], 1e-6)
        report(f"{name} patch", patch, t["output.patch"], 1e-6)
        report(f"{name} cls_from_2d", h(t["input.tokens"][:, 0]), t["output.cls_from_2d"], 1e-6)


def loss(ref, d):
    t, c = read_safetensors(os.path.join(d, "loss.safetensors"))
    a = types.SimpleNamespace(out_dim=c["out_dim"], global_crops=c["global_crops"], local_crops=c["local_crops"],
                              warmup_teacher_temp=c["warmup_teacher_temp"], teacher_temp=c["teacher_temp"],
                              warmup_teacher_patch_temp=c["warmup_teacher_patch_temp"],
                              teacher_patch_temp=c["teacher_patch_temp"],
                              warmup_teacher_temp_epochs=c["warmup_teacher_temp_epochs"], epochs=c["epochs"],
                              lambda1=c["lambda1"], lambda2=c["lambda2"], pred_start_epoch=c.get("mim_start_epoch", 0))
    module = mg.loss_module(ref, a, t["input.center2"].shape[-1])
    module.center.copy_(t["input.center"])
    module.center2.copy_(t["input.center2"])
    student_cls = t["input.student_cls"].clone().requires_grad_()
    student_patch = t["input.student_patch"].clone().requires_grad_()
    local = t.get("input.student_local_cls")
    local = local.clone().requires_grad_() if local is not None and local.shape[0] > 0 else None
    masks = t["input.masks"]
    with mg.process_group():
        parts = module((student_cls, student_patch), (t["input.teacher_cls"], t["input.teacher_patch"]), local,
                       [masks[i] for i in range(masks.shape[0])], c["epoch"])
    parts["loss"].backward()
    report("loss total", parts["loss"], t["output.loss"], 1e-6)
    report("loss cls", parts["cls"], t["output.loss_cls"], 1e-6)
    report("loss patch", parts["patch"], t["output.loss_patch"], 1e-6)
    report("loss grad_student_cls", student_cls.grad, t["output.grad_student_cls"], 1e-5)
    report("loss grad_student_patch", student_patch.grad, t["output.grad_student_patch"], 1e-5)
    if local is not None:
        report("loss grad_student_local_cls", local.grad, t["output.grad_student_local_cls"], 1e-5)
    report("loss center", module.center, t["output.center"], 1e-6)
    report("loss center2", module.center2, t["output.center2"], 1e-6)
    report("loss teacher_temp_schedule", module.teacher_temp_schedule, t["output.teacher_temp_schedule"], 1e-12)
    report("loss teacher_temp2_schedule", module.teacher_temp2_schedule, t["output.teacher_temp2_schedule"], 1e-12)


def schedules(ref, d):
    with open(os.path.join(d, "schedules.json")) as f:
        j = json.load(f)
    c, u = j["config"], ref.utils
    lr = u.cosine_scheduler(c["base_lr"] * c["batch_size"] / 256., c["min_lr"], c["epochs"], c["iters_per_epoch"],
                            warmup_epochs=c["warmup_epochs"])
    wd = u.cosine_scheduler(c["weight_decay"], c["weight_decay_end"], c["epochs"], c["iters_per_epoch"])
    m = u.cosine_scheduler(c["momentum_teacher"], 1, c["epochs"], c["iters_per_epoch"])
    for name, ours in (("lr", lr), ("weight_decay", wd), ("momentum", m)):
        report(f"schedules {name}", ours, j[name], 1e-12)


def mask_stats(ref, d):
    with open(os.path.join(d, "mask_stats.json")) as f:
        cases = json.load(f)["cases"]
    with tempfile.TemporaryDirectory() as tmp:
        root = mg.image_folder(tmp, 1)
        for c in cases:
            crop = torch.zeros(3, c["grid"] * 16, c["grid"] * 16)
            ratio = c["pred_ratio"] if isinstance(c["pred_ratio"], list) else [c["pred_ratio"]]
            var = c["pred_ratio_var"] if isinstance(c["pred_ratio_var"], list) else [c["pred_ratio_var"]]
            ds = mg.mask_dataset(ref, root, lambda img: [crop], 16, ratio, var, c["shape"])
            counts = np.array([int(ds[0][2][0].sum()) for _ in range(c["samples"])])
            bound = 3 * np.sqrt(c["std_masked"] ** 2 / c["samples"] + counts.std() ** 2 / len(counts))
            hist = np.bincount(counts, minlength=len(c["histogram"])) / len(counts)
            recorded = np.array(c["histogram"], dtype=np.float64) / sum(c["histogram"])
            tv = 0.5 * np.abs(hist[:len(recorded)] - recorded).sum() + 0.5 * hist[len(recorded):].sum()
            zero = float(np.mean(counts == 0))
            ok = abs(counts.mean() - c["mean_masked"]) <= bound and abs(zero - c["zero_fraction"]) <= 0.03 and tv <= 0.1
            if not ok:
                FAILURES.append(f"mask {c['shape']} {ratio}")
            print(f"  mask {c['shape']} {ratio}±{var}: mean {counts.mean():.3f} vs {c['mean_masked']:.3f} "
                  f"(3 SE {bound:.3f}), zero {zero:.3f} vs {c['zero_fraction']:.3f}, TV {tv:.3f}{'' if ok else '  FAIL'}")


def knn(ref, d):
    t, c = read_safetensors(os.path.join(d, "knn.safetensors"))
    for k, recorded in c["results"].items():
        top1, top5 = ref.knn_classifier(t["input.train_features"], t["input.train_labels"], t["input.test_features"],
                                        t["input.test_labels"], int(k), c["temperature"], use_cuda=False,
                                        num_classes=c["num_classes"])
        report(f"knn k={k} top1", top1, recorded["top1"], 0)
        report(f"knn k={k} top5", top5, recorded["top5"], 0)


def unsup(ref, d):
    with open(os.path.join(d, "unsup.json")) as f:
        j = json.load(f)
    nmi, ari, fmi, _ = ref.eval_pred(np.array(j["labels"]), np.array(j["predictions"]), calc_acc=False)
    report("unsup nmi", nmi, j["nmi"], 1e-12)
    report("unsup ari", ari, j["ari"], 1e-12)
    report("unsup fowlkes_mallows", fmi, j["fowlkes_mallows"], 1e-12)


def augment(ref, d):
    from PIL import Image, ImageFilter, ImageOps
    import torchvision
    import torchvision.transforms.functional as F
    t, c = read_safetensors(os.path.join(d, "augment.safetensors"))
    img = Image.fromarray(t["input.image"].numpy(), "RGB")
    bicubic = torchvision.transforms.InterpolationMode.BICUBIC

    def u8(image):
        return torch.from_numpy(np.asarray(image, dtype=np.uint8).copy())

    def crop(b):
        return F.resized_crop(img, b["top"], b["left"], b["height"], b["width"], [b["size"], b["size"]], bicubic)

    ours = {
        "resized_crop_down": u8(crop(c["resized_crop_down"])), "resized_crop_up": u8(crop(c["resized_crop_up"])),
        "hflip": u8(F.hflip(img)), "brightness": u8(F.adjust_brightness(img, c["brightness"])),
        "contrast": u8(F.adjust_contrast(img, c["contrast"])), "saturation": u8(F.adjust_saturation(img, c["saturation"])),
        "hue": u8(F.adjust_hue(img, c["hue"])), "grayscale": u8(F.rgb_to_grayscale(img, num_output_channels=3)),
        "gaussian_blur": u8(img.filter(ImageFilter.GaussianBlur(radius=c["gaussian_blur_radius"]))),
        "solarize": u8(ImageOps.solarize(img, threshold=c["solarize_threshold"])),
    }
    for name, value in ours.items():
        diff = (value.int() - t["output." + name].int()).abs()
        ok = diff.shape == t["output." + name].shape and diff.max().item() == 0
        if not ok:
            FAILURES.append("augment " + name)
        print(f"  augment {name}: {int((diff > 0).sum())} of {diff.numel()} values differ, "
              f"most by {int(diff.max())}, mean {diff.float().mean():.4f}{'' if ok else '  FAIL'}")
    n = c["normalize"]
    report("augment normalized", F.normalize(F.to_tensor(img), n["mean"], n["std"]), t["output.normalized"], 1e-7)


def swin(ref, d):
    t, c = read_safetensors(os.path.join(d, "swin.safetensors"))
    model = ref.SwinTransformer(img_size=c["img_size"], patch_size=c["patch_size"], in_chans=3, num_classes=0,
                                embed_dim=c["embed_dim"], depths=c["depths"], num_heads=c["num_heads"],
                                window_size=c["window_size"], mlp_ratio=c["mlp_ratio"], qkv_bias=c["qkv_bias"],
                                drop_path_rate=0., ape=c["ape"], patch_norm=c["patch_norm"],
                                norm_layer=lambda dim: torch.nn.LayerNorm(dim, eps=c["norm_eps"]),
                                return_all_tokens=True, masked_im_modeling=True)
    missing, unexpected = model.load_state_dict(prefixed(t, "state."), strict=False)
    if unexpected or any("relative_position_index" not in k for k in missing):
        FAILURES.append("swin state")
        print(f"  swin state: missing {missing}, unexpected {unexpected}  FAIL")
    model.eval()
    with torch.no_grad():
        report("swin tokens", model(t["input.images"], return_all_tokens=True), t["output.tokens"], 1e-6)
        report("swin tokens_masked", model(t["input.images"], return_all_tokens=True, mask=t["input.mask"]),
               t["output.tokens_masked"], 1e-6)


def train_steps(ref, d):
    import re
    t, c = read_safetensors(os.path.join(d, "train_steps.safetensors"))
    v, h = c["vit"], c["head"]
    m = re.match(r"warmup\s+(\S+)\s*->\s*(\S+)\s+over\s+(\d+)\s+of\s+(\d+)\s+epochs", c["teacher_temp_schedule"])
    mp = re.match(r"warmup\s+(\S+)\s*->\s*(\S+)", c.get("teacher_patch_temp_schedule", c["teacher_temp_schedule"]))
    init = prefixed(t, "init.student.")
    a = types.SimpleNamespace(
        img_size=v["img_size"], local_size=v["local_size"], patch_size=v["patch_size"], embed_dim=v["embed_dim"],
        depth=v["depth"], heads=v["num_heads"], mlp_ratio=4.0, batch=c["batch"], out_dim=h["out_dim"],
        patch_out_dim=init["head.last_layer2.weight_v"].shape[0], hidden_dim=h["hidden_dim"],
        bottleneck_dim=h["bottleneck_dim"], shared_head=h["shared_head"],
        shared_head_teacher=h.get("shared_head_teacher", h["shared_head"]), norm_last_layer=h["norm_last_layer_student"],
        global_crops=c["global_crops"], local_crops=c["local_crops"], lambda1=c["lambda1"], lambda2=c["lambda2"],
        epochs=int(m.group(4)), warmup_epochs=0, warmup_teacher_temp_epochs=int(m.group(3)),
        warmup_teacher_temp=float(m.group(1)), teacher_temp=float(m.group(2)),
        warmup_teacher_patch_temp=float(mp.group(1)), teacher_patch_temp=float(mp.group(2)),
        pred_start_epoch=c.get("pred_start_epoch", c.get("mim_start_epoch", 0)), pred_ratio=[0.3], pred_ratio_var=[0.0],
        pred_shape="block", lr=0.0005, min_lr=1e-6, weight_decay=0.04, weight_decay_end=0.4, momentum_teacher=0.996,
        clip_grad=c["clip_grad"], freeze_last_layer=c["freeze_last_layer"], seed=0)
    steps, epoch = c["steps"], c["epoch"]
    with mg.process_group():
        run = mg.Training(ref, a, mg.reference_args(ref, a), steps)
        run.student.module.load_state_dict(init)
        run.teacher.load_state_dict(run.student.module.state_dict(), strict=False)
        recorded_teacher = prefixed(t, "init.teacher.")
        for name, value in recorded_teacher.items():
            report(f"train_steps init.teacher.{name}", run.teacher.state_dict()[name], value, 0)
        for schedule, values in ((run.lr_schedule, c["lr"]), (run.wd_schedule, c["weight_decay"]),
                                 (run.momentum_schedule, c["momentum"])):
            schedule[steps * epoch:steps * epoch + steps] = values
        batches = []
        for s in range(steps):
            images = [t[f"step{s}.image{i}"] for i in range(a.global_crops + a.local_crops)]
            masks = [t[f"step{s}.mask{i}"] for i in range(a.global_crops)]
            batches.append((images, torch.zeros(a.batch, dtype=torch.long), masks))
        losses = run.train_one_epoch(batches, epoch)
    report("train_steps losses", losses, t["output.losses"], 1e-5)
    for network, state in (("student", run.student.module.state_dict()), ("teacher", run.teacher.state_dict())):
        worst, where = 0.0, ""
        for name, final in prefixed(t, f"final.{network}.").items():
            start = init[name] if name in init else final
            update, ours = (final - start).double(), (state[name] - start).double()
            if name.endswith("attn.qkv.bias"):  # the key third's update is rounding noise (zero gradient)
                third = update.shape[0] // 3
                update = torch.cat([update[:third], update[2 * third:]])
                ours = torch.cat([ours[:third], ours[2 * third:]])
            norm = update.norm().item()
            error = (ours - update).norm().item() / norm if norm > 0 else (ours.abs().max().item())
            if error > worst:
                worst, where = error, name
        ok = worst <= 1e-3
        if not ok:
            FAILURES.append(f"train_steps {network}")
        print(f"  train_steps {network} updates: largest relative error {worst:.2e} ({where}){'' if ok else '  FAIL'}")
    report("train_steps center", run.loss.center, t["final.center"], 1e-5)
    report("train_steps center2", run.loss.center2, t["final.center2"], 1e-5)


CHECKS = {"vit": vit, "head_shared": lambda r, d: head(r, d, "head_shared.safetensors"),
          "head_separate": lambda r, d: head(r, d, "head_separate.safetensors"), "loss": loss,
          "schedules": schedules, "mask_stats": mask_stats, "knn": knn, "unsup": unsup, "augment": augment,
          "swin": swin, "train_steps": train_steps}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ibot", required=True, help="checkout of the authors' repository")
    p.add_argument("--golden", default=os.path.dirname(os.path.abspath(__file__)), help="vector set to check")
    p.add_argument("--only", default="", help="comma-separated subset of: " + ",".join(CHECKS))
    a = p.parse_args()
    ref = mg.Reference(a.ibot)
    torch.set_num_threads(1)
    for name in [x for x in a.only.split(",") if x] or list(CHECKS):
        print(name)
        mg.torch.manual_seed(0)
        CHECKS[name](ref, a.golden)
    print(f"{len(FAILURES)} check(s) failed: {FAILURES}" if FAILURES else "every recorded value matches the authors' code")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
