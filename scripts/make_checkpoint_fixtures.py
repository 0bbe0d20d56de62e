#!/usr/bin/env python3
"""Generate the checkpoint fixtures in Tests/Fixtures/checkpoints/ with real PyTorch.

Regenerate (from the package root, with torch and safetensors installed):

    python3 scripts/make_checkpoint_fixtures.py

Everything is seeded, so the tensors are the same on every run (the zip containers
may differ in their random serialization id). The Swift tests read `manifest.json`,
which lists for every file its format, nesting, and every tensor's key, dtype, shape
and CRC-32: the CRC of the tensor made contiguous and converted to little-endian
float32 (floating dtypes) or int64 (integer and bool dtypes). The files are:

- zip_state_dict.pth / legacy_state_dict.pth: a small conv-bn-linear state dict in
  the zip format and the legacy (`_use_new_zipfile_serialization=False`) format.
- zip_dtypes.pth / legacy_dtypes.pth: every storage dtype the reader converts, plus
  views into a shared storage (offset, transposed and stepped strides) and a 0-d tensor.
- model_nested.pth ({'model': sd}, like DeiT), state_dict_nested.pth
  ({'state_dict': sd} with DataParallel's `module.` prefix).
- erm_epoch_1_checkpoints.pth.tar: the reference's ERM layout with Adam state after
  two steps; ft_loss_tensor.pth.tar: the same with `loss` a 0-d tensor with grad.
- zip64_state_dict.pth: zip_state_dict.pth repacked by Python's zipfile with ZIP64
  records forced; streamed_state_dict.pth: repacked with data descriptors.
- dtypes.safetensors: safetensors.torch.save_file of several dtypes with metadata.
- evil_eval.pth / evil_os_system.pth: torch.save of objects that reduce to
  builtins.eval and os.system (never loaded by anything that executes pickles).
"""

import io
import json
import os
import pickle
import zipfile
import zlib
from collections import OrderedDict

import torch
import torch.nn as nn
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "checkpoints")
MANIFEST = {}


def crc_of(t):
    t = t.detach().contiguous()
    if t.dtype.is_floating_point:
        data = t.to(torch.float32).numpy().astype("<f4").tobytes()
    else:
        data = t.to(torch.int64).numpy().astype("<i8").tobytes()
    return zlib.crc32(data) & 0xFFFFFFFF


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def describe(tensors):
    return [
        {"key": k, "dtype": dtype_name(v), "shape": list(v.shape), "crc32": crc_of(v)}
        for k, v in tensors.items()
    ]


def record(name, fmt, nesting, tensors, **extra):
    entry = {"format": fmt, "nesting": nesting, "tensors": describe(tensors)}
    entry.update(extra)
    MANIFEST[name] = entry


def tiny_model():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
        nn.Linear(4 * 2 * 2, 3),
    )
    # One training step so running statistics and num_batches_tracked are not defaults.
    model.train()
    model(torch.randn(2, 3, 4, 4))
    return model


def dtype_dict():
    torch.manual_seed(1)
    base = torch.randn(5, 6)
    d = OrderedDict()
    d["f32"] = torch.randn(2, 3)
    d["f16"] = torch.randn(3, 2).half()
    d["bf16"] = torch.randn(4).bfloat16()
    d["f64"] = torch.randn(2, 2, dtype=torch.float64)
    d["i64"] = torch.arange(-3, 3, dtype=torch.int64).reshape(2, 3)
    d["i32"] = torch.tensor([7, -8, 9], dtype=torch.int32)
    d["u8"] = torch.tensor([0, 128, 255], dtype=torch.uint8)
    d["mask"] = torch.tensor([[True, False], [False, True]])
    d["scalar"] = torch.tensor(2.5)
    d["base"] = base
    d["view_rows"] = base[2:4]  # storage offset 12
    d["view_transposed"] = base.t()  # strides (1, 6)
    d["view_stepped"] = base[1:, ::2]  # offset 6, strides (6, 2)
    d["empty"] = torch.zeros(0, 3)
    return d


def erm_checkpoint(loss_as_tensor):
    model = tiny_model()
    sd_model = nn.Sequential(model[0], model[1], model[2], model[3], model[4])
    opt = torch.optim.Adam(sd_model.parameters(), lr=1e-3, weight_decay=1e-4)
    torch.manual_seed(2)
    for _ in range(2):
        opt.zero_grad()
        out = sd_model(torch.randn(2, 3, 4, 4)).softmax(dim=1)
        loss = -(out[:, 0].log()).mean()
        loss.backward()
        opt.step()
    value = loss if loss_as_tensor else loss.item()
    return {
        "epoch": 1,
        "model_state_dict": sd_model.state_dict(),
        "optimizer_state_dict": opt.state_dict(),
        "loss": value,
    }


def optimizer_tensors(osd):
    out = OrderedDict()
    for index, state in osd["state"].items():
        for name, value in state.items():
            out[f"{index}.{name}"] = value
    return out


def repack(source, target, zip64=False, streamed=False):
    with zipfile.ZipFile(source) as zin:
        entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    saved = (zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT)
    if zip64:
        # Python's zipfile reads these module constants at write time; tiny limits force
        # ZIP64 extra fields and the ZIP64 end-of-central-directory records.
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 8, 2
    try:
        if streamed:
            raw = io.BytesIO()

            class Unseekable(io.RawIOBase):
                def writable(self):
                    return True

                def write(self, b):
                    return raw.write(b)

            with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_STORED) as zout:
                for name, data in entries:
                    with zout.open(name, "w") as f:
                        f.write(data)
            payload = raw.getvalue()
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zout:
                for name, data in entries:
                    zout.writestr(name, data)
            payload = buffer.getvalue()
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved
    with open(target, "wb") as f:
        f.write(payload)


class Eval:
    def __reduce__(self):
        return (eval, ("1+1",))


class System:
    def __reduce__(self):
        return (os.system, ("true",))


def main():
    os.makedirs(OUT, exist_ok=True)
    path = lambda name: os.path.join(OUT, name)

    sd = tiny_model().state_dict()
    torch.save(sd, path("zip_state_dict.pth"))
    record("zip_state_dict.pth", "zip", "bare", sd)
    torch.save(sd, path("legacy_state_dict.pth"), _use_new_zipfile_serialization=False)
    record("legacy_state_dict.pth", "legacy", "bare", sd)

    dd = dtype_dict()
    torch.save(dd, path("zip_dtypes.pth"))
    record("zip_dtypes.pth", "zip", "bare", dd)
    torch.save(dd, path("legacy_dtypes.pth"), _use_new_zipfile_serialization=False)
    record("legacy_dtypes.pth", "legacy", "bare", dd)

    torch.save({"model": sd}, path("model_nested.pth"))
    record("model_nested.pth", "zip", "model", sd)
    prefixed = OrderedDict(("module." + k, v) for k, v in sd.items())
    torch.save({"state_dict": prefixed, "arch": "tiny"}, path("state_dict_nested.pth"))
    record("state_dict_nested.pth", "zip", "state_dict", sd)

    for name, as_tensor in [("erm_epoch_1_checkpoints.pth.tar", False),
                            ("ft_loss_tensor.pth.tar", True)]:
        ck = erm_checkpoint(as_tensor)
        torch.save(ck, path(name))
        osd = ck["optimizer_state_dict"]
        groups = [{k: v for k, v in g.items()} for g in osd["param_groups"]]
        for g in groups:
            g["betas"] = list(g["betas"])
        record(name, "zip", "model_state_dict", ck["model_state_dict"],
               epoch=ck["epoch"], loss=float(ck["loss"]),
               optimizer=describe(optimizer_tensors(osd)), param_groups=groups)

    repack(path("zip_state_dict.pth"), path("zip64_state_dict.pth"), zip64=True)
    record("zip64_state_dict.pth", "zip", "bare", sd)
    repack(path("zip_state_dict.pth"), path("streamed_state_dict.pth"), streamed=True)
    record("streamed_state_dict.pth", "zip", "bare", sd)
    for name in ["zip64_state_dict.pth", "streamed_state_dict.pth"]:
        back = torch.load(path(name), weights_only=True)
        assert all(torch.equal(back[k], sd[k]) for k in sd), name

    st = OrderedDict((k, v.contiguous()) for k, v in dd.items()
                     if k not in ("view_rows", "view_transposed", "view_stepped", "f64"))
    save_file(dict(st), path("dtypes.safetensors"),
              metadata={"epoch": "3", "architecture": "tiny"})
    record("dtypes.safetensors", "safetensors", "bare", st,
           metadata={"epoch": "3", "architecture": "tiny"})

    torch.save({"model": Eval()}, path("evil_eval.pth"))
    torch.save({"model": System()}, path("evil_os_system.pth"))

    with open(path("manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
