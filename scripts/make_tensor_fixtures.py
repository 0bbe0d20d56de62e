#!/usr/bin/env python3
"""Generates Tests/Fixtures/tensor/fixtures.json: PyTorch reference values for the
Tensor target's ops (forward outputs and gradients).

Regenerate from the package root with:
    python3 scripts/make_tensor_fixtures.py
Requires torch (CPU). The JSON maps each name to {"shape": [...], "values": [...]}
with float32 values written as decimal doubles (exact round trip). For gradients, each
case stores the upstream gradient "<case>.gradOut" that the test feeds to backward.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
out = {}


def put(name, t):
    t = t.detach().to(torch.float32).contiguous()
    out[name] = {"shape": list(t.shape), "values": [float(v) for v in t.flatten().tolist()]}


def leaf(name, shape, scale=1.0):
    t = (torch.rand(shape) * 2 - 1) * scale
    put(name, t)
    return t.clone().requires_grad_(True)


def backward(name, y, *inputs_with_names):
    put(name + ".out", y)
    g = torch.rand(y.shape) * 2 - 1
    put(name + ".gradOut", g)
    y.backward(g)
    for input_name, t in inputs_with_names:
        put(name + ".grad." + input_name, t.grad)


# Batch norm, training, three steps with fresh inputs; then evaluation.
weight = leaf("batchNorm.weight", [3])
bias = leaf("batchNorm.bias", [3])
running_mean = torch.zeros(3)
running_var = torch.ones(3)
for step in range(3):
    x = leaf(f"batchNorm.step{step}.x", [4, 3, 5, 5], scale=2.0)
    with torch.no_grad():
        x += torch.tensor([0.5, -1.0, 2.0]).view(1, 3, 1, 1)
    put(f"batchNorm.step{step}.x", x)
    weight.grad = None
    bias.grad = None
    y = F.batch_norm(x, running_mean, running_var, weight, bias, training=True,
                     momentum=0.1, eps=1e-5)
    backward(f"batchNorm.step{step}", y, ("x", x), ("weight", weight), ("bias", bias))
put("batchNorm.runningMean", running_mean)
put("batchNorm.runningVar", running_var)
x = leaf("batchNorm.eval.x", [2, 3, 4, 4])
weight.grad = None
bias.grad = None
y = F.batch_norm(x, running_mean, running_var, weight, bias, training=False, eps=1e-5)
backward("batchNorm.eval", y, ("x", x), ("weight", weight), ("bias", bias))

# Cross-entropy with probability targets: on logits, and on softmax outputs (the
# reference's double softmax), with the [y, 1 - y] one-hot targets.
logits = leaf("crossEntropy.logits", [6, 3], scale=3.0)
targets = torch.softmax(torch.randn(6, 3), dim=1)
put("crossEntropy.targets", targets)
backward("crossEntropy.soft", F.cross_entropy(logits, targets), ("logits", logits))
z = leaf("crossEntropy.double.z", [5, 2], scale=3.0)
labels = torch.tensor([0, 1, 1, 0, 1])
onehot = torch.stack([labels, 1 - labels], dim=1).float()
put("crossEntropy.double.targets", onehot)
backward("crossEntropy.double", F.cross_entropy(torch.softmax(z, dim=1), onehot), ("z", z))
z2 = leaf("crossEntropy.none.z", [5, 2], scale=3.0)
backward("crossEntropy.none",
         F.cross_entropy(torch.softmax(z2, dim=1), onehot, reduction="none"), ("z", z2))

# Layer norm over the last dimension, eps 1e-5 and 1e-6.
for eps_name, eps in [("1e-5", 1e-5), ("1e-6", 1e-6)]:
    x = leaf(f"layerNorm.{eps_name}.x", [3, 4, 7], scale=2.0)
    w = leaf(f"layerNorm.{eps_name}.weight", [7])
    b = leaf(f"layerNorm.{eps_name}.bias", [7])
    y = F.layer_norm(x, [7], w, b, eps=eps)
    backward(f"layerNorm.{eps_name}", y, ("x", x), ("weight", w), ("bias", b))

# Exact GELU on a grid.
x = torch.linspace(-6, 6, 97).requires_grad_(True)
put("gelu.x", x)
backward("gelu", F.gelu(x), ("x", x))

# Softmax and log-softmax along the last and a middle axis.
for name, fn in [("softmax", torch.softmax), ("logSoftmax", torch.log_softmax)]:
    for dim in [-1, 1]:
        x = leaf(f"{name}.{dim}.x", [3, 4, 5], scale=4.0)
        backward(f"{name}.{dim}", fn(x, dim=dim), ("x", x))

# Max pooling 3/2/1 (ResNet's stem) on an odd size, including ties from rounding.
x = (torch.randint(-3, 4, (2, 3, 9, 9)).float() / 2).requires_grad_(True)
put("maxPool.x", x)
backward("maxPool", F.max_pool2d(x, kernel_size=3, stride=2, padding=1), ("x", x))

# Adaptive average pooling to 1x1 and to an uneven 3x2.
x = leaf("avgPool.x", [2, 3, 7, 5])
backward("avgPool.1x1", F.adaptive_avg_pool2d(x, 1), ("x", x))
x.grad = None
backward("avgPool.3x2", F.adaptive_avg_pool2d(x, (3, 2)), ("x", x))

# Convolution on a small odd shape, stride 2, padding 1, with bias.
x = leaf("conv.x", [2, 3, 7, 9])
w = leaf("conv.weight", [4, 3, 3, 3])
b = leaf("conv.bias", [4])
backward("conv", F.conv2d(x, w, b, stride=2, padding=1), ("x", x), ("weight", w), ("bias", b))

# Batched matmul, equal and broadcast batch dimensions.
a = leaf("matmul.a", [2, 3, 4, 5])
b = leaf("matmul.b", [2, 3, 5, 6])
backward("matmul", torch.matmul(a, b), ("a", a), ("b", b))
a = leaf("matmulBroadcast.a", [2, 1, 4, 5])
b = leaf("matmulBroadcast.b", [3, 5, 2])
backward("matmulBroadcast", torch.matmul(a, b), ("a", a), ("b", b))

# L2 normalisation (F.normalize) along the last and a middle axis.
x = leaf("l2Normalize.-1.x", [4, 6])
backward("l2Normalize.-1", F.normalize(x, dim=-1), ("x", x))
x = leaf("l2Normalize.1.x", [2, 3, 4])
backward("l2Normalize.1", F.normalize(x, dim=1), ("x", x))

# Scaled dot-product attention as timm computes it (explicit softmax).
q = leaf("attention.q", [2, 3, 5, 4])
k = leaf("attention.k", [2, 3, 5, 4])
v = leaf("attention.v", [2, 3, 5, 4])
attn = torch.softmax(q @ k.transpose(-2, -1) * 4 ** -0.5, dim=-1)
backward("attention", attn @ v, ("q", q), ("k", k), ("v", v))

path = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "tensor", "fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {len(out)} arrays to {os.path.normpath(path)}")
