#!/usr/bin/env python3
"""PyTorch reference fixtures for the Models tests and the optimizer tests.

Regenerate from the package root (needs torch, torchvision, timm, safetensors):

    python3 scripts/make_model_fixtures.py          # small fixtures, committed
    python3 scripts/make_model_fixtures.py --full   # ResNet50 and DeiT-S at 224, local only

The small run writes into Tests/Fixtures/models/:
  resnet_tiny.safetensors, resnet_tiny.parameters.txt
      torchvision's ResNet built from its own Bottleneck class, with reduced widths
      (stem 8, stages 4/8/16/32, layers [2,1,1,1]) and the reference's two-class head
      `fc = Sequential(Linear(128, 2), Softmax(dim=1))`; input 3x3x40x40.
  vit_tiny.safetensors, vit_tiny.parameters.txt
      timm's VisionTransformer (D=32, depth 2, 2 heads, patch 8, image 32, qkv bias,
      LayerNorm eps 1e-5 as in the reference) with `head = Sequential(Linear, Softmax)`.
  optim.json
      Adam, SGD, ReduceLROnPlateau and CosineAnnealingLR on small inputs.
The --full run writes resnet50.safetensors and deit_small.safetensors (plus their
parameter lists) into Tests/Fixtures/models/full/, which git ignores (about 100 MB);
the full-size tests run only when those files exist.

Each model file holds (F32 unless said):
  state.<key>         the model's state dict before training (num_batches_tracked as I64)
  input, target       the images [N,3,H,W] and soft one-hot targets [y, 1-y] as in the reference
  eval.logits         head Linear output in eval mode (running statistics)
  eval.probabilities  the Softmax head's output in eval mode
  eval.logits_eps1e-6 (ViT only) eval logits with every LayerNorm eps set to 1e-6
  train.logits, train.probabilities, train.loss
                      train mode; loss = mean over samples of -sum(target * log_softmax(p)),
                      i.e. CrossEntropyLoss applied to the probabilities (the reference quirk)
  grad.<name>         gradient of train.loss for every parameter
  step3.<key>         the whole state dict after three SGD steps (lr 0.01, momentum 0.9) on
                      the same batch in train mode: running statistics and weights
The .parameters.txt file lists named_parameters() in order, one name a line.

The models run in float64 so the stored values are PyTorch's answer with float32
rounding only at the end; the Swift side computes in float32.
"""

import argparse
import functools
import json
import math
import os
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from safetensors.torch import save_file
from timm.models.vision_transformer import VisionTransformer
from torchvision.models.resnet import Bottleneck, ResNet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "models")


class NarrowResNet(ResNet):
    """torchvision's ResNet with chosen stem and stage widths (the class fixes 64..512)."""

    def __init__(self, layers, stem, widths, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = stem
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(Bottleneck, widths[0], layers[0])
        self.layer2 = self._make_layer(Bottleneck, widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(Bottleneck, widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(Bottleneck, widths[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * Bottleneck.expansion, num_classes)


def softmax_head(linear):
    """The reference's two-class head: Linear then Softmax over classes."""
    return nn.Sequential(linear, nn.Softmax(dim=1))


def randomise_norms(model, gen):
    """Non-trivial affine and running statistics, so eval mode is really tested."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.normal_(0.0, 0.1, generator=gen)
                m.running_mean.normal_(0.0, 0.1, generator=gen)
                m.running_var.uniform_(0.5, 1.5, generator=gen)
                m.num_batches_tracked.fill_(7)
        elif isinstance(m, nn.LayerNorm):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.normal_(0.0, 0.1, generator=gen)


def soft_targets(labels):
    """Reference label layout: column 0 is y, column 1 is 1 - y."""
    y = torch.tensor(labels, dtype=torch.float64)
    return torch.stack([y, 1 - y], dim=1)


def reference_loss(probabilities, target):
    return (-(target * F.log_softmax(probabilities, dim=1)).sum(dim=1)).mean()


def run_model(model, head_linear, x, target, extra=None):
    """Forward/backward/three SGD steps; returns the tensors to store."""
    out = OrderedDict()
    for k, v in model.state_dict().items():
        out["state." + k] = v.clone()
    out["input"] = x
    out["target"] = target

    captured = {}
    head_linear.register_forward_hook(lambda m, i, o: captured.__setitem__("logits", o))

    model.eval()
    with torch.no_grad():
        p = model(x)
    out["eval.logits"] = captured["logits"].clone()
    out["eval.probabilities"] = p.clone()
    if extra is not None:
        extra(model, x, out, captured)

    model.train()
    model.zero_grad()
    p = model(x)
    loss = reference_loss(p, target)
    loss.backward()
    out["train.logits"] = captured["logits"].detach().clone()
    out["train.probabilities"] = p.detach().clone()
    out["train.loss"] = loss.detach().reshape(1)
    for name, param in model.named_parameters():
        out["grad." + name] = param.grad.clone()

    # Three training steps on the same batch: BN running statistics move three times.
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        reference_loss(model(x), target).backward()
        opt.step()
    for k, v in model.state_dict().items():
        out["step3." + k] = v.clone()
    return out


def save(tensors, names, stem, folder):
    os.makedirs(folder, exist_ok=True)
    converted = OrderedDict()
    for k, v in tensors.items():
        v = v.detach().contiguous()
        converted[k] = v.to(torch.float32) if v.is_floating_point() else v.to(torch.int64)
    save_file(converted, os.path.join(folder, stem + ".safetensors"))
    with open(os.path.join(folder, stem + ".parameters.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


def resnet_fixture(folder, full):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    if full:
        model = torchvision.models.resnet50()
        n, size = 2, 224
    else:
        model = NarrowResNet([2, 1, 1, 1], stem=8, widths=[4, 8, 16, 32], num_classes=1000)
        n, size = 3, 40
    features = model.fc.in_features
    model.fc = softmax_head(nn.Linear(features, 2))
    randomise_norms(model, gen)
    model = model.double()
    x = torch.randn(n, 3, size, size, generator=gen, dtype=torch.float64)
    target = soft_targets([1, 0, 1][:n])
    out = run_model(model, model.fc[0], x, target)
    names = [k for k, _ in model.named_parameters()]
    save(out, names, "resnet50" if full else "resnet_tiny", folder)


def vit_fixture(folder, full):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(2)
    if full:
        dims = dict(img_size=224, patch_size=16, embed_dim=384, depth=12, num_heads=6)
        n = 2
    else:
        dims = dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2)
        n = 3
    model = VisionTransformer(
        **dims, mlp_ratio=4.0, qkv_bias=True, class_token=True, global_pool="token",
        num_classes=1000, norm_layer=functools.partial(nn.LayerNorm, eps=1e-5))
    model.head = softmax_head(nn.Linear(dims["embed_dim"], 2))
    randomise_norms(model, gen)
    with torch.no_grad():
        # timm starts biases at zero; make them visible to the comparison.
        for name, p in model.named_parameters():
            if name.endswith(".bias") and "norm" not in name:
                p.normal_(0.0, 0.02, generator=gen)
    model = model.double()
    size = dims["img_size"]
    x = torch.randn(n, 3, size, size, generator=gen, dtype=torch.float64)
    target = soft_targets([1, 0, 1][:n])

    def other_eps(model, x, out, captured):
        norms = [m for m in model.modules() if isinstance(m, nn.LayerNorm)]
        for m in norms:
            m.eps = 1e-6
        with torch.no_grad():
            model(x)
        out["eval.logits_eps1e-6"] = captured["logits"].clone()
        for m in norms:
            m.eps = 1e-5

    out = run_model(model, model.head[0], x, target, extra=other_eps)
    names = [k for k, _ in model.named_parameters()]
    save(out, names, "deit_small" if full else "vit_tiny", folder)


# ---------------------------------------------------------------------------------------
# Optimizers and schedulers


def as_list(t):
    return t.detach().to(torch.float64).reshape(-1).tolist()


def optim_params(gen):
    shapes = [[3, 4], [5], [2, 2, 2]]
    return [torch.randn(*s, generator=gen, dtype=torch.float64) for s in shapes]


def optim_grads(gen, params):
    # Three steps; in step 2 (index 1) the last parameter has no gradient, so its step
    # count falls behind (PyTorch skips parameters whose .grad is None).
    steps = []
    for step in range(3):
        grads = [torch.randn(p.shape, generator=gen, dtype=torch.float64) for p in params]
        if step == 1:
            grads[2] = None
        steps.append(grads)
    return steps


def run_optimizer(make, params0, grad_steps):
    params = [nn.Parameter(p.clone()) for p in params0]
    opt = make(params)
    record = {"after": []}
    for step, grads in enumerate(grad_steps):
        for p, g in zip(params, grads):
            p.grad = None if g is None else g.clone()
        opt.step()
        record["after"].append([as_list(p) for p in params])
        if step == 0:
            sd = opt.state_dict()
            record["state_after_1"] = {
                str(i): {k: (as_list(v) if torch.is_tensor(v) and v.numel() > 1 else
                             float(v)) for k, v in s.items()}
                for i, s in sd["state"].items()}
    sd = opt.state_dict()
    record["state_after_3"] = {
        str(i): {k: (as_list(v) if torch.is_tensor(v) and v.numel() > 1 else float(v))
                 for k, v in s.items()}
        for i, s in sd["state"].items()}
    return record


def optim_fixture(folder):
    gen = torch.Generator().manual_seed(3)
    params0 = optim_params(gen)
    grad_steps = optim_grads(gen, params0)
    doc = {
        "params": [{"shape": list(p.shape), "values": as_list(p)} for p in params0],
        "grads": [[None if g is None else as_list(g) for g in step] for step in grad_steps],
    }
    adam = {}
    for name, kw in {
        "adam_default": dict(lr=1e-3),
        "adam_wd": dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    }.items():
        adam[name] = dict(settings=kw, **run_optimizer(
            lambda ps: torch.optim.Adam(ps, **kw), params0, grad_steps))
    doc["adam"] = adam
    sgd = {}
    for name, kw in {
        "sgd_plain": dict(lr=0.1),
        "sgd_momentum_wd": dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
    }.items():
        sgd[name] = dict(settings=kw, **run_optimizer(
            lambda ps: torch.optim.SGD(ps, **kw), params0, grad_steps))
    doc["sgd"] = sgd

    # ReduceLROnPlateau: a loss sequence with improvements above and below the
    # threshold (rel 1e-4), plateaus, increases and enough reductions to matter.
    losses = [10.0, 9.0, 9.0, 8.9995, 9.5, 9.2, 8.99, 8.5, 8.5, 8.5, 8.5, 8.5,
              8.4999, 8.4, 8.45, 8.41, 8.40, 8.39, 8.5, 8.6, 8.7, 8.8, 8.9, 9.0,
              7.0, 7.0, 7.0, 7.0, 7.0, 7.0]
    plateau = []
    for kw in [dict(factor=0.5, patience=3), dict(factor=0.5, patience=1),
               dict(factor=0.1, patience=0, min_lr=1e-7)]:
        p = nn.Parameter(torch.zeros(1))
        lr0 = 5e-6 if kw["patience"] == 3 else 2e-4
        opt = torch.optim.SGD([p], lr=lr0)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", **kw)
        lrs = []
        for loss in losses:
            sched.step(loss)
            lrs.append(opt.param_groups[0]["lr"])
        state = {k: v for k, v in sched.state_dict().items()
                 if isinstance(v, (int, float)) and not isinstance(v, bool)
                 and math.isfinite(v)}
        plateau.append(dict(settings=dict(lr=lr0, **kw), lrs=lrs, final_state=state))
    doc["plateau"] = dict(losses=losses, runs=plateau)

    cosine = []
    for t_max, lr0, eta_min in [(10, 0.1, 0.0), (7, 5e-6, 1e-7)]:
        p = nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=lr0)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min)
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(t_max + 3):
            opt.step()
            sched.step()
            lrs.append(opt.param_groups[0]["lr"])
        cosine.append(dict(t_max=t_max, lr=lr0, eta_min=eta_min, lrs=lrs))
    doc["cosine"] = cosine

    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "optim.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true",
                        help="write full-size ResNet50 and DeiT-S fixtures (local only)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    if args.full:
        folder = os.path.join(OUT, "full")
        resnet_fixture(folder, full=True)
        vit_fixture(folder, full=True)
    else:
        resnet_fixture(OUT, full=False)
        vit_fixture(OUT, full=False)
        optim_fixture(OUT)


if __name__ == "__main__":
    main()
