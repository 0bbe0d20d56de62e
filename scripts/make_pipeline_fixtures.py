#!/usr/bin/env python3
"""Writes Tests/Fixtures/pipeline/: PyTorch parity fixtures for the experiment loops.

Regenerate with `python3 scripts/make_pipeline_fixtures.py` (torch, safetensors). The
Swift tests only read the files written here; they never run Python.

Files (all float32 safetensors; computed in float64 and rounded once at the end):
- ntxent.safetensors: the reference's `nt_xent(x, features2, t=0.5)` (REFERENCE.md 4.0,
  SimCLR form with `get_negative_mask` and pos / (pos + Ng)) on two [6, 2] softmax
  outputs: `a`, `b`, `loss` [1], `grad_a`, `grad_b` (gradient of the loss).
- resnet_step.safetensors: one ERM step and one prune-finetune step on a tiny
  torchvision-style Bottleneck ResNet with the reference's Linear+Softmax head:
  `init.<key>` (state dict, Swift key names), `x` [4, 3, 32, 32], `y` [4, 2] = [y, 1-y],
  `erm.grad.<param>`, `erm.after.<key>` (Adam lr 1e-3 on mean CrossEntropyLoss of the
  softmax outputs), `prune.mask.<conv weight>` (magnitude_pruning(0.05) over every
  convolution, from the init weights), `prune.grad.<param>`, `prune.after.<key>`
  (three train-mode forwards, ntxent(f1.detach(), f2) + ntxent(f1', f2.detach())
  + 0.2 * CE(f1', y), Adam lr 2e-4).

The network has ResNet-50's structure and key names (one bottleneck per stage, stem 7x7
stride 2 + max-pool, stride on the 3x3 conv, downsample conv+BN) but is narrower than
`resnet_mini` (stem 8, widths 4/8/8/8) so that the fixture stays small; the Swift test
builds it with `ResNet.Configuration(layers: [1, 1, 1, 1], stemWidth: 8,
widths: [4, 8, 8, 8])`.
"""

import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures",
                   "pipeline")
STEM = 8
WIDTHS = [4, 8, 8, 8]
EXPANSION = 4


def get_negative_mask(batch_size):
    negative_mask = torch.ones((batch_size, 2 * batch_size), dtype=bool)
    for i in range(batch_size):
        negative_mask[i, i] = 0
        negative_mask[i, i + batch_size] = 0
    return torch.cat((negative_mask, negative_mask), 0)


def nt_xent(x, features2, t=0.5):
    """The reference's loss (without its `.cuda()` on the mask)."""
    batch_size = x.shape[0]
    x = F.normalize(x, dim=-1)
    x_pruned = F.normalize(features2, dim=-1)
    out = torch.cat([x, x_pruned], dim=0)
    neg = torch.exp(torch.mm(out, out.t().contiguous()) / t)
    mask = get_negative_mask(batch_size)
    neg = neg.masked_select(mask).view(2 * batch_size, -1)
    pos = torch.exp(torch.sum(x * x_pruned, dim=-1) / t)
    pos = torch.cat([pos, pos], dim=0)
    ng = neg.sum(dim=-1)
    return (-torch.log(pos / (pos + ng))).mean()


class PruneConv(nn.Conv2d):
    """A convolution with the reference's `prune_mask` and `prune_flag`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, bias=False, **kwargs)
        self.prune_mask = None
        self.prune_flag = False

    def forward(self, x):
        weight = self.weight * self.prune_mask if self.prune_flag else self.weight
        return self._conv_forward(x, weight, None)


class Bottleneck(nn.Module):
    def __init__(self, inplanes, width, stride):
        super().__init__()
        out = width * EXPANSION
        self.conv1 = PruneConv(inplanes, width, 1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = PruneConv(width, width, 3, stride=stride, padding=1)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = PruneConv(width, out, 1)
        self.bn3 = nn.BatchNorm2d(out)
        self.downsample = None
        if stride != 1 or inplanes != out:
            self.downsample = nn.Sequential(PruneConv(inplanes, out, 1, stride=stride),
                                            nn.BatchNorm2d(out))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + identity)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = PruneConv(3, STEM, 7, stride=2, padding=3)
        self.bn1 = nn.BatchNorm2d(STEM)
        channels = STEM
        for stage, width in enumerate(WIDTHS):
            block = Bottleneck(channels, width, 1 if stage == 0 else 2)
            setattr(self, f"layer{stage + 1}", nn.Sequential(block))
            channels = width * EXPANSION
        self.fc = nn.Sequential(nn.Linear(channels, 2), nn.Softmax(dim=1))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        for stage in range(4):
            x = getattr(self, f"layer{stage + 1}")(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    def convs(self):
        return [(n, m) for n, m in self.named_modules() if isinstance(m, PruneConv)]

    def set_prune(self, flag):
        for _, m in self.convs():
            m.prune_flag = flag


def fresh_model():
    torch.manual_seed(0)
    model = TinyResNet()
    with torch.no_grad():
        # Non-default BN affine parameters and running statistics, so that both matter.
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.8, 1.2)
    return model.double()


def state(model, prefix):
    return {prefix + k: v.detach().clone().float().contiguous()
            for k, v in model.state_dict().items()}


def grads(model, prefix):
    return {prefix + n: p.grad.detach().clone().float().contiguous()
            for n, p in model.named_parameters()}


def magnitude_masks(model, fraction):
    """`Mask.magnitude_pruning(fraction)`: global threshold over every convolution."""
    weights = [m.weight.detach() for _, m in model.convs()]
    values = torch.cat([w.abs().flatten() for w in weights]).sort().values
    n = values.numel()
    k = math.ceil(fraction * n)
    threshold = values[min(k, n - 1)]
    return {name + ".weight": (m.weight.detach().abs() >= threshold).double()
            for name, m in model.convs()}


def main():
    os.makedirs(OUT, exist_ok=True)

    # (a) NT-Xent value and gradients.
    torch.manual_seed(1)
    a = torch.softmax(torch.randn(6, 2, dtype=torch.float64) * 2, dim=1).requires_grad_()
    b = torch.softmax(torch.randn(6, 2, dtype=torch.float64) * 2, dim=1).requires_grad_()
    loss = nt_xent(a, b, t=0.5)
    loss.backward()
    save_file({"a": a.detach().float(), "b": b.detach().float(),
               "loss": loss.detach().float().reshape(1),
               "grad_a": a.grad.float(), "grad_b": b.grad.float()},
              os.path.join(OUT, "ntxent.safetensors"))

    # (b) One ERM step.
    torch.manual_seed(2)
    x = torch.randn(4, 3, 32, 32, dtype=torch.float64)
    labels = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
    y = torch.stack([labels, 1 - labels], dim=1)
    tensors = {"x": x.float(), "y": y.float()}
    # The Swift side gets float32 inputs: run PyTorch on the same rounded values.
    x = x.float().double()

    model = fresh_model()
    with torch.no_grad():
        for p in model.state_dict().values():
            if p.is_floating_point():
                p.copy_(p.float().double())
    tensors.update(state(model, "init."))
    init = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    opt.zero_grad()
    ce = nn.CrossEntropyLoss()
    loss = ce(model(x), y)
    loss.backward()
    tensors.update(grads(model, "erm.grad."))
    opt.step()
    tensors.update(state(model, "erm.after."))
    tensors["erm.loss"] = loss.detach().float().reshape(1)

    # (c) One prune-finetune step from the same initial state.
    model = fresh_model()
    model.load_state_dict(init)
    masks = magnitude_masks(model, 0.05)
    for name, m in model.convs():
        m.prune_mask = masks[name + ".weight"]
    tensors.update({"prune.mask." + k: v.float() for k, v in masks.items()})
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    opt.zero_grad()
    with torch.no_grad():
        model.set_prune(False)
        f_full0 = model(x)
    model.set_prune(True)
    f_pruned = model(x)
    contrastive = nt_xent(f_full0.detach(), f_pruned, t=0.5)
    model.set_prune(False)
    f_full = model(x)
    contrastive = contrastive + nt_xent(f_full, f_pruned.detach(), t=0.5)
    cross_entropy = ce(f_full, y).sum()
    loss = contrastive + 0.2 * cross_entropy
    loss.backward()
    tensors.update(grads(model, "prune.grad."))
    opt.step()
    tensors.update(state(model, "prune.after."))
    tensors["prune.loss"] = loss.detach().float().reshape(1)

    save_file({k: v.contiguous() for k, v in tensors.items()},
              os.path.join(OUT, "resnet_step.safetensors"))
    print("ntxent loss", float(nt_xent(a.detach(), b.detach())), "erm loss",
          float(tensors["erm.loss"]), "prune loss", float(tensors["prune.loss"]))


if __name__ == "__main__":
    main()
