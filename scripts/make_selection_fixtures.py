"""Fixtures for the neuron-selection tests: the reference's selection rules run in
PyTorch on a small ResNet-shaped state dict.

Writes Tests/Fixtures/selection/{weights,gradients}.pth (torch.save of ordered dicts
named like torchvision's ResNet with the reference's fc.0 head) and expected.json with
the neurons that get_largest_neuron (greedy, zeroing each pick) and
get_most_activated_neuron (greedy over gradient norms) choose, as described in
../shared/REFERENCE.md section 4.0. The rules are re-implemented here from that
description; they are not the reference's code.

Regenerate (deterministic): python3 scripts/make_selection_fixtures.py
"""
import collections
import json
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "selection"


def state_dict(generator, scale_downsample):
    shapes = [
        ("conv1.weight", (8, 3, 3, 3)),
        ("bn1.weight", (8,)),
        ("bn1.bias", (8,)),
        ("layer1.0.conv1.weight", (6, 8, 1, 1)),
        ("layer1.0.bn1.weight", (6,)),
        ("layer1.0.conv2.weight", (6, 6, 3, 3)),
        ("layer1.0.conv3.weight", (12, 6, 1, 1)),
        ("layer1.0.downsample.0.weight", (12, 8, 1, 1)),
        ("layer1.0.downsample.1.weight", (12,)),
        ("layer2.0.conv1.weight", (10, 12, 1, 1)),
        ("fc.0.weight", (2, 12)),
        ("fc.0.bias", (2,)),
    ]
    result = collections.OrderedDict()
    for name, shape in shapes:
        tensor = torch.randn(shape, generator=generator)
        if "downsample.0" in name:
            tensor *= scale_downsample
        if name == "layer1.0.conv2.weight":
            tensor *= 0.6  # so that picks alternate between parameters
        if name == "fc.0.weight" or name.startswith("bn"):
            tensor *= 50  # large, but never a candidate
        result[name] = tensor
    # An exact tie inside one parameter: the first channel must win, then the copy.
    strongest = int(torch.linalg.vector_norm(result["conv1.weight"], dim=(1, 2, 3)).argmax())
    result["conv1.weight"][7] = result["conv1.weight"][strongest]
    return result


def largest(params, k):
    params = collections.OrderedDict((n, t.clone()) for n, t in params.items())
    chosen = []
    for _ in range(k):
        best, best_name, best_index = 0.0, None, None
        for name, weight in params.items():
            if "bn" in name or "downsample" in name or "fc" in name:
                continue
            if weight.dim() != 4 or "weight" not in name:
                continue
            score = torch.linalg.vector_norm(weight, dim=(1, 2, 3))
            if score.max().item() > best:
                best, best_name, best_index = score.max().item(), name, int(score.argmax())
        chosen.append([best_name, best_index, best])
        params[best_name][best_index] = 0
    return chosen


def most_activated(grads, k):
    grads = collections.OrderedDict((n, t.clone()) for n, t in grads.items())
    chosen = []
    for _ in range(k):
        best, best_name, best_index = 0.0, None, None
        for name, grad in grads.items():
            # Only 4-D weights can win in the reference (a stale score is compared for
            # the others), downsample included.
            if grad.dim() != 4 or "weight" not in name:
                continue
            score = torch.linalg.vector_norm(grad, dim=(1, 2, 3))
            if score.max().item() > best:
                best, best_name, best_index = score.max().item(), name, int(score.argmax())
        chosen.append([best_name, best_index, best])
        grads[best_name][best_index] = 0
    return chosen


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(20250101)
    weights = state_dict(generator, scale_downsample=3.0)
    gradients = state_dict(generator, scale_downsample=2.0)
    torch.save(weights, OUT / "weights.pth")
    torch.save(gradients, OUT / "gradients.pth")
    expected = {"largest": largest(weights, 10), "most_activated": most_activated(gradients, 10)}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
