"""Fixtures for the neuron-selection tests: the reference's selection rules run in
PyTorch on a small ResNet-shaped state dict.

Writes Tests/Fixtures/selection/{weights,gradients}.pth (torch.save of ordered dicts
named like torchvision's ResNet with the reference's fc.0 head) and expected.json with
the neurons that get_largest_neuron (greedy, zeroing each pick) and
get_most_activated_neuron (greedy over gradient norms) choose, as described in
../shared/REFERENCE.md section 4.0. The rules are re-implemented here from that
description; they are not the reference's code.

With --reference-checkout DIR (a checkout of github.com/aarentai/Silent-Majority, which
this project does not include), the script also runs the reference's own
get_largest_neuron, get_most_activated_neuron and modify_weights from DIR/utils/utils.py,
in the loops of its two study scripts, on the same tensors, and fails unless they choose
the same names and indices with the same values (to 1e-6) as expected.json.

Regenerate (deterministic): python3 scripts/make_selection_fixtures.py
Cross-check: python3 scripts/make_selection_fixtures.py --reference-checkout DIR
"""
import argparse
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


def reference_utils(checkout):
    """The module utils.utils of a reference checkout. It imports utils.dataset
    (transformers, pandas) and sklearn.metrics at the top for functions the selection
    does not use; where those are missing, empty stand-ins let the import succeed."""
    import importlib
    import importlib.machinery
    import sys
    import types

    import torchvision  # noqa: F401  (imported before the stand-ins, which it probes)

    sys.path.insert(0, str(pathlib.Path(checkout).resolve()))
    for name in ["utils.dataset", "sklearn", "sklearn.metrics"]:
        try:
            importlib.import_module(name)
        except ImportError:
            stand_in = types.ModuleType(name)
            stand_in.__spec__ = importlib.machinery.ModuleSpec(name, None)
            if name == "sklearn.metrics":
                for function in ["precision_score", "recall_score", "f1_score", "accuracy_score"]:
                    setattr(stand_in, function, None)
            sys.modules[name] = stand_in
    return importlib.import_module("utils.utils")


class Holder(torch.nn.Module):
    """A module whose named_parameters() are `tensors` under their dotted names."""

    def __init__(self, tensors):
        super().__init__()
        for name, tensor in tensors.items():
            owner = self
            *path, leaf = name.split(".")
            for part in path:
                if not hasattr(owner, part):
                    owner.add_module(part, torch.nn.Module())
                owner = getattr(owner, part)
            owner.register_parameter(leaf, torch.nn.Parameter(tensor.clone()))


def reference_choices(utils, weights, gradients, k):
    """The reference's study loops: largest zeroes each pick through modify_weights
    (StudyChannelwiseLargestNeuronExperiments.py); most-activated zeroes the pick's
    gradient in grads_dict (StudyChannelwiseMostActivatedNeuronExperiments.py)."""
    model = Holder(weights)
    largest_picks = []
    for _ in range(k):
        name, index, value = utils.get_largest_neuron(model, channel_wise=True, weights_only=True)
        largest_picks.append([name, int(index[0]), float(value)])
        model = utils.modify_weights(model=model, param_name=name, param_index=index)
    grads = collections.OrderedDict((n, t.clone()) for n, t in gradients.items())
    activated_picks = []
    for _ in range(k):
        name, index, value = utils.get_most_activated_neuron(
            grads, channel_wise=True, weights_only=True)
        grads[name][index] = 0
        activated_picks.append([name, int(index[0]), float(value)])
    return {"largest": largest_picks, "most_activated": activated_picks}


def same_choices(ours, theirs):
    return len(ours) == len(theirs) and all(
        a[0] == b[0] and a[1] == b[1] and abs(a[2] - b[2]) <= 1e-6 * max(1.0, abs(b[2]))
        for a, b in zip(ours, theirs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference-checkout", help="a checkout of aarentai/Silent-Majority")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(20250101)
    weights = state_dict(generator, scale_downsample=3.0)
    gradients = state_dict(generator, scale_downsample=2.0)
    torch.save(weights, OUT / "weights.pth")
    torch.save(gradients, OUT / "gradients.pth")
    expected = {"largest": largest(weights, 10), "most_activated": most_activated(gradients, 10)}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    if args.reference_checkout:
        theirs = reference_choices(reference_utils(args.reference_checkout), weights, gradients, 10)
        for study in ["largest", "most_activated"]:
            if not same_choices(expected[study], theirs[study]):
                raise SystemExit(
                    f"{study}: the reference's functions chose {theirs[study]},"
                    f" expected.json has {expected[study]}")
            print(f"{study}: the reference's own functions choose the same {len(theirs[study])}"
                  " neurons (names, indices, values to 1e-6)")


if __name__ == "__main__":
    main()
