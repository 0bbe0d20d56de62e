#!/usr/bin/env python3
"""Golden files for Tests/ExperimentsTests (reference text formats).

Writes Tests/Fixtures/experiments/: inputs.json (the predictions, counts and values the
Swift tests start from) and the files the PyTorch reference would write from them, built
with the reference's own format strings (scripts/SpuriousCorrelationPretrainingErm.py and
the three Study scripts of aarentai/Silent-Majority; see REFERENCE.md 5):
  group_accuracy_evolution_in_testing_set.txt
  random_init_std0.02_global_top2_largest_neuron.txt
  zero_poorest_random_batch200_global_top1_most_activated_neuron.txt
  random_noise_1e-05_std0.005_global_smallest_neuron.txt
  training_loss_list.json, pruned_neuron_module_dict_epoch3.json

Regenerate (numpy only, no torch needed):
  python3 scripts/make_experiments_fixtures.py
"""
import json
import os

import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "experiments")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20250101)

# --- Per-epoch predictions of a 2-class softmax model, reference conventions ---------
# label vector [y, 1-y]; output column 0 = P(y=1); correct iff argmax(out) == argmax(t).
n, epochs = 37, 3
y = rng.integers(0, 2, n)
place = rng.integers(0, 2, n)
g = 2 * y + place
outputs = []
for e in range(epochs):
    p1 = rng.random(n).astype(np.float32)
    p1[:3] = np.float32(0.5)  # ties: argmax picks column 0
    outputs.append(np.stack([p1, np.float32(1) - p1], axis=1).astype(np.float32))
targets = np.stack([y, 1 - y], axis=1).astype(np.float32)
training_counts = np.asarray([3498, 184, 56, 1057])

acc = {0: [], 1: [], 2: [], 3: []}
for e in range(epochs):
    for j in range(4):
        m = g == j
        t = targets[m].argmax(axis=-1)
        p = outputs[e][m].argmax(axis=-1)
        acc[j].append(float(np.mean(t == p)))  # = sklearn accuracy_score
text = ""
for i in range(4):
    s = f"group{i}"
    for j in range(len(acc[i])):
        s += f", {acc[i][j]:.4f}"
    text += s + "\n"
arr = np.array([acc[i] for i in range(4)])
r = training_counts
avg = (r[0] * arr[0] + r[1] * arr[1] + r[2] * arr[2] + r[3] * arr[3]) / r.sum()
text += "averag, " + ", ".join([f"{x:.4f}" for x in avg]) + "\n"
with open(os.path.join(out, "group_accuracy_evolution_in_testing_set.txt"), "w") as f:
    f.write(text)

# --- Study files: accuracies as correct/count, neuron values as float32 .item() -------
counts = [3498, 184, 56, 1057]
def accs(correct):
    return [c / n_ for c, n_ in zip(correct, counts)]

def outcome(a):  # group_accuracy_evaluation's string
    s = ""
    for x in a:
        s += f", {x:.8f}"
    return s

baseline = accs([3498, 182, 50, 1042])
runs = [accs([3490, 150, 35, 1030]), accs([3495, 160, 30, 1001]), accs([3480, 140, 41, 1040])]
neurons = [("conv1.weight", 28, np.float32(4.643474578857422).item()),
           ("layer4.2.conv3.weight", 1877, np.float32(3.0517578125e-05).item())]

path = os.path.join(out, "random_init_std0.02_global_top2_largest_neuron.txt")
with open(path, "w+") as f:
    f.write(f"{outcome(baseline)[2:]}\n")
    f.write("modified neurons name, index and value\n")
for name, idx, val in neurons:
    with open(path, "a") as f:
        f.write(f"{name}, {idx}, {val}\n")
for run in runs:
    with open(path, "a") as f:
        f.write(f"{outcome(run)}\n")

path = os.path.join(out, "zero_poorest_random_batch200_global_top1_most_activated_neuron.txt")
with open(path, "w+") as f:
    f.write(f"{outcome(baseline)[2:]}\n")
    f.write("modified neurons name, index and value\n")
for group_id in range(4):
    with open(path, "a") as f:
        f.write(f"layer{group_id + 1}.0.conv2.weight, {group_id * 7}, {np.float32(0.1 * (group_id + 1)).item()}\n")
    with open(path, "a") as f:
        f.write(f"model modified based on gradient from loss with only group {group_id}s samples\n")
    with open(path, "a") as f:
        f.write(f"{outcome(runs[group_id % 3])}\n\n")

noise_std, pct = 0.005, 1e-05
path = os.path.join(out, f"random_noise_{pct}_std{noise_std}_global_smallest_neuron.txt")
with open(path, "w+") as f:
    f.write(f"{outcome(baseline)[2:]}\n")
    f.write("modified neurons name, index and value\n")
for run in runs[:2]:
    with open(path, "a") as f:
        f.write(f"{outcome(run)}\n")

# --- JSON files ----------------------------------------------------------------------
losses = [float(np.float32(x)) * 19 for x in rng.random(4)] + [1e-05, 123456.5]
with open(os.path.join(out, "training_loss_list.json"), "w") as f:
    json.dump(losses, f)
fractions = {"conv1.weight": 0.012345678, "layer1.0.conv1.weight": 1 / 3,
             "layer1.0.conv2.weight": 0.0, "fc.weight": 0.99995}
with open(os.path.join(out, "pruned_neuron_module_dict_epoch3.json"), "w") as f:
    json.dump({k: round(v, 4) for k, v in fractions.items()}, f)

with open(os.path.join(out, "inputs.json"), "w") as f:
    json.dump({
        "labels": y.tolist(), "groups": g.tolist(),
        "outputs": [[float(v) for v in o.reshape(-1)] for o in outputs],
        "training_counts": training_counts.tolist(),
        "baseline_correct": [3498, 182, 50, 1042],
        "run_correct": [[3490, 150, 35, 1030], [3495, 160, 30, 1001], [3480, 140, 41, 1040]],
        "neurons": [[a, b, c] for a, b, c in neurons],
        "losses": losses,
        "fractions": list(fractions.items()),
    }, f)
print("wrote", sorted(os.listdir(out)))
