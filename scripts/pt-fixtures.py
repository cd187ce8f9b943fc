#!/usr/bin/python3
"""
Fixtures for ccbound's torch.save reader (src/io/pt): state dicts saved by PyTorch itself, as users save them,

    torch.save(model.state_dict(), "m.pt")

and hostile files that must be refused. Writes test/fixtures/pt/:

  <model>.pt, <model>.f64.pt   the classifiers of scripts/pytorch-fixtures.py (same modules, same seeds, so the same
                               weights as test/fixtures/pytorch/<model>.safetensors), in float32 and float64, with
                               sidecars <model>[.f64].ccbound.json for what the weights cannot say (a .pt file has no
                               metadata), and PyTorch's logits
  index-lookup-lstm.pt         an LSTM with a sidecar naming index lookup's tokens at N = 6
  lstm-1.protocol4.pt          lstm-1 with pickle_protocol=4, and lstm-1.params.pt with state_dict(keep_vars=True)
  views.pt, views.f64.pt       an LSTM classifier whose tensors are non-contiguous views: transposed, sliced with a
                               storage offset, strided, expanded (stride 0), two sharing one storage; plus
                               views[.f64].contiguous.safetensors, the same tensors made contiguous
  gpt2-block.pt                a state dict named like HF GPT2LMHeadModel's (wte, wpe, h.0.ln_1, h.0.attn.c_attn as a
                               Conv1D (d, 3d), ..., ln_f, lm_head tied to wte, the old bool causal-mask buffer), with
                               gpt2-block.safetensors holding its float tensors
  hostile/*.pt                 pickles that ask for code (os.system, builtins.eval, INST), a huge memo index, a
                               truncated file and a truncated pickle, a zip entry named ../, zip bombs (declared and
                               lying), a tensor whose strides run past its storage, a complex tensor, the legacy format
                               and a TorchScript archive

    /usr/bin/python3 scripts/pt-fixtures.py

Needs torch (Debian: apt-get install python3-torch). CI has no PyTorch: the tests read only the committed outputs.
"""
import collections
import importlib.util
import io
import json
import os
import pickle
import re
import struct
import sys
import zipfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "pt")
HOSTILE = os.path.join(OUT, "hostile")
SAFETENSORS_FIXTURES = os.path.join(HERE, "..", "test", "fixtures", "pytorch")

# The modules, seeds, inputs and the safetensors writer of scripts/pytorch-fixtures.py, so the files correspond.
_spec = importlib.util.spec_from_file_location("pytorch_fixtures", os.path.join(HERE, "pytorch-fixtures.py"))
pf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pf)


def sidecar(path, settings):
    with open(path, "w") as f:
        json.dump(settings, f)
        f.write("\n")


def same_tensors(a, b):
    return a.keys() == b.keys() and all(a[k].dtype == b[k].dtype and torch.equal(a[k], b[k]) for k in a)


def write_classifiers(records):
    for seed, m in enumerate(pf.MODELS, start=1):
        model = pf.build(m, seed)
        for dtype, suffix in (("float32", ""), ("float64", ".f64")):
            if dtype == "float64":
                model = model.double()
            file = f"{m['name']}{suffix}.pt"
            torch.save(model.state_dict(), os.path.join(OUT, file))
            nl, nl_in = m.get("nl"), m.get("nl_in")
            # a .pt file has no __metadata__: what the safetensors fixture keeps there goes to the sidecar
            if nl_in in ("sidecar", "metadata"):
                sidecar(os.path.join(OUT, f"{m['name']}{suffix}.ccbound.json"), {"ccbound.nonlinearity": nl})
            loaded = torch.load(os.path.join(OUT, file))
            assert same_tensors(loaded, model.state_dict()), file
            twin = f"{m['name']}{suffix}.safetensors"
            same = same_tensors(pf.load_safetensors(os.path.join(SAFETENSORS_FIXTURES, twin)), model.state_dict())
            records.append({
                "file": file,
                "module": {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}[m["kind"]],
                "num_layers": m["layers"],
                "nonlinearity": nl,
                "dtype": dtype,
                "flags": ["--nonlinearity", nl] if nl_in == "flag" else [],
                # the safetensors fixture with exactly these tensors, when the seeds reproduce it
                "safetensors": twin if same else None,
                "logits": pf.logits_of(model, pf.SEQUENCES),
            })


def write_index_lookup(records):
    """scripts/pytorch-fixtures.py's index-lookup LSTM (seed 100), its vocabulary and labels in the sidecar."""
    n = 6
    torch.manual_seed(100)
    model = pf.Classifier(("embed", "rnn", "head"), 2 + n, 4, nn.LSTM(4, 4), 2).eval()
    vocab = ["0", "1"] + [f"@{p}" for p in range(1, n + 1)]
    torch.save(model.state_dict(), os.path.join(OUT, "index-lookup-lstm.pt"))
    sidecar(os.path.join(OUT, "index-lookup-lstm.ccbound.json"),
            {"ccbound.vocab": vocab, "ccbound.labels": ["0", "1"], "ccbound.name": "index-lookup-6"})
    inputs = [[0, 1, 1, 0, 1, 0, 2 + p] for p in range(n)]
    records.append({
        "file": "index-lookup-lstm.pt", "module": "nn.LSTM", "num_layers": 1, "nonlinearity": None,
        "dtype": "float32", "flags": [], "safetensors": "index-lookup-lstm.safetensors", "vocab": vocab,
        "sequences": inputs, "logits": pf.logits_of(model, inputs),
    })


def write_variants(records):
    """lstm-1 saved the other ways users save it: pickle protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE)
    and state_dict(keep_vars=True) (nn.Parameters: _rebuild_parameter)."""
    m = next(x for x in pf.MODELS if x["name"] == "lstm-1")
    model = pf.build(m, pf.MODELS.index(m) + 1)
    for file, sd, protocol in (("lstm-1.protocol4.pt", model.state_dict(), 4),
                               ("lstm-1.params.pt", model.state_dict(keep_vars=True), 2)):
        path = os.path.join(OUT, file)
        torch.save(sd, path, pickle_protocol=protocol)
        assert same_tensors(torch.load(path), model.state_dict()), file
        records.append({
            "file": file, "module": "nn.LSTM", "num_layers": 1, "nonlinearity": None, "dtype": "float32",
            "flags": [], "safetensors": "lstm-1.safetensors", "logits": pf.logits_of(model, pf.SEQUENCES),
        })
    with zipfile.ZipFile(os.path.join(OUT, "lstm-1.params.pt")) as z:
        assert b"_rebuild_parameter" in z.read("lstm-1.params/data.pkl")


def write_views(records):
    """lstm-1's classifier with every tensor saved as a view that is not contiguous; the model runs on those values."""
    m = next(x for x in pf.MODELS if x["name"] == "lstm-1")
    for dtype, suffix in ((torch.float32, ""), (torch.float64, ".f64")):
        model = pf.build(m, 5).to(dtype)
        sd = model.state_dict()
        g = torch.Generator().manual_seed(11)
        rand = lambda *shape: torch.randn(*shape, generator=g, dtype=dtype)
        views = {}
        e = sd["embedding.weight"]  # 7 x 5: saved transposed twice, strides (1, 7)
        views["embedding.weight"] = e.t().contiguous().t()
        w = sd["lstm.weight_ih_l0"]  # 24 x 5: inside a larger storage, at offset 13
        big = rand(200)
        big[13 : 13 + w.numel()] = w.flatten()
        views["lstm.weight_ih_l0"] = big[13 : 13 + w.numel()].view(w.shape)
        w = sd["lstm.weight_hh_l0"]  # 24 x 6: every other row of a 48 x 6 buffer, strides (12, 1)
        rows = rand(48, 6)
        rows[::2] = w
        views["lstm.weight_hh_l0"] = rows[::2]
        b = sd["lstm.bias_ih_l0"]  # 24: odd elements of a 48-buffer, offset 1, stride 2
        odd = rand(48)
        odd[1::2] = b
        views["lstm.bias_ih_l0"] = odd[1::2]
        views["lstm.bias_hh_l0"] = torch.tensor([0.25], dtype=dtype).expand(24)  # stride 0: one value 24 times
        shared = rand(3, 10)  # the head's weight and bias are two views of one storage
        views["fc.weight"] = shared[:, 2:8]  # 3 x 6, offset 2, strides (10, 1)
        views["fc.bias"] = shared[:, 0]  # 3, offset 0, stride 10
        with torch.no_grad():
            for k, v in views.items():
                sd[k].copy_(v)  # the model now holds exactly the views' values
        path = os.path.join(OUT, f"views{suffix}.pt")
        torch.save(views, path)
        loaded = torch.load(path)
        plain = [k for k, v in loaded.items() if v.is_contiguous() and v.storage_offset() == 0 and v.storage().size() == v.numel()]
        assert plain == [], f"every saved tensor is a view into its storage, not {plain}"
        assert loaded["fc.weight"].storage().data_ptr() == loaded["fc.bias"].storage().data_ptr()
        contiguous = {k: v.contiguous() for k, v in views.items()}
        pf.save_safetensors(os.path.join(OUT, f"views{suffix}.contiguous.safetensors"), contiguous)
        records.append({
            "file": f"views{suffix}.pt", "module": "nn.LSTM", "num_layers": 1, "nonlinearity": None,
            "dtype": str(dtype).removeprefix("torch."), "flags": [], "safetensors": f"views{suffix}.contiguous.safetensors",
            "views": {k: {"size": list(v.shape), "stride": list(v.stride()), "offset": v.storage_offset()} for k, v in loaded.items()},
            "logits": pf.logits_of(model, pf.SEQUENCES),
        })


def write_gpt2():
    """Plain tensors named as HF GPT2LMHeadModel's state dict names them: d = 8, 2 heads, vocab 11, 6 positions."""
    d, vocab, positions, inner = 8, 11, 6, 32
    g = torch.Generator().manual_seed(2)
    rand = lambda *shape: torch.randn(*shape, generator=g) * 0.1
    sd = collections.OrderedDict()
    sd["transformer.wte.weight"] = rand(vocab, d)
    sd["transformer.wpe.weight"] = rand(positions, d)
    p = "transformer.h.0."
    sd[p + "ln_1.weight"], sd[p + "ln_1.bias"] = 1 + rand(d), rand(d)
    # the causal mask GPT2Attention kept as a persistent buffer before transformers 4.31: bool (1, 1, n, n)
    sd[p + "attn.bias"] = torch.tril(torch.ones(positions, positions, dtype=torch.bool)).view(1, 1, positions, positions)
    sd[p + "attn.masked_bias"] = torch.tensor(-1e4)  # a 0-d tensor
    sd[p + "attn.c_attn.weight"], sd[p + "attn.c_attn.bias"] = rand(d, 3 * d), rand(3 * d)  # Conv1D: (in, out)
    sd[p + "attn.c_proj.weight"], sd[p + "attn.c_proj.bias"] = rand(d, d), rand(d)
    sd[p + "ln_2.weight"], sd[p + "ln_2.bias"] = 1 + rand(d), rand(d)
    sd[p + "mlp.c_fc.weight"], sd[p + "mlp.c_fc.bias"] = rand(d, inner), rand(inner)
    sd[p + "mlp.c_proj.weight"], sd[p + "mlp.c_proj.bias"] = rand(inner, d), rand(d)
    sd["transformer.ln_f.weight"], sd["transformer.ln_f.bias"] = 1 + rand(d), rand(d)
    sd["lm_head.weight"] = sd["transformer.wte.weight"]  # tied, as in GPT2LMHeadModel: one storage, saved once
    path = os.path.join(OUT, "gpt2-block.pt")
    torch.save(sd, path)
    with zipfile.ZipFile(path) as z:
        assert sum("/data/" in n for n in z.namelist()) == len(sd) - 1, "the tied weight is stored once"
    floats = {k: v for k, v in sd.items() if v.is_floating_point() and k != "lm_head.weight"}
    pf.save_safetensors(os.path.join(OUT, "gpt2-block.safetensors"), floats)
    return {
        "file": "gpt2-block.pt", "safetensors": "gpt2-block.safetensors",
        "tensors": {k: {"dtype": str(v.dtype).removeprefix("torch."), "shape": list(v.shape)} for k, v in sd.items()},
        "tied": {"lm_head.weight": "transformer.wte.weight"},
        "mask": sd[p + "attn.bias"].flatten().int().tolist(),
    }


# --- hostile files -------------------------------------------------------------------------------------------------


def archive(path, records, compress=None):
    """A zip laid out as torch.save lays it out: <name>/data.pkl, <name>/data/<key>, <name>/version."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in records:
            info = zipfile.ZipInfo(name)
            info.compress_type = (compress or {}).get(name, zipfile.ZIP_STORED)
            z.writestr(info, data)


class Storage:
    """A storage as torch.save pickles it: a persistent id, its bytes in data/<key>."""

    def __init__(self, key, storage_type, values):
        self.key, self.storage_type = key, storage_type
        self.data = torch.tensor(values, dtype=storage_type(0).dtype).numpy().tobytes()
        self.numel = len(values)


class Tensor:
    """Whatever _rebuild_tensor_v2 arguments a test needs, pickled with torch.save's globals."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None


def state_dict_archive(path, tensors, storages):
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(collections.OrderedDict(tensors))
    name = os.path.splitext(os.path.basename(path))[0]
    archive(path, [(f"{name}/data.pkl", buf.getvalue())] + [(f"{name}/data/{s.key}", s.data) for s in storages]
            + [(f"{name}/version", b"3\n")])


def pickle_archive(path, pickle_bytes):
    name = os.path.splitext(os.path.basename(path))[0]
    archive(path, [(f"{name}/data.pkl", pickle_bytes), (f"{name}/version", b"3\n")])


class System:
    def __reduce__(self):
        return (os.system, ("touch /tmp/ccbound-pwned",))


class Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch /tmp/ccbound-pwned')",))


def patch_sizes(path, entry, size):
    """Rewrites an entry's uncompressed size in its local header and its central directory record (a lying zip)."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(entry)
    data = bytearray(open(path, "rb").read())
    struct.pack_into("<I", data, info.header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + n]).decode() == entry:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    open(path, "wb").write(bytes(data))


def write_hostile():
    os.makedirs(HOSTILE, exist_ok=True)
    h = lambda name: os.path.join(HOSTILE, name)
    files = []

    def note(name, what):
        files.append({"file": f"hostile/{name}", "what": what})

    # torch.save itself writes the gadget: a state dict with one value whose __reduce__ is os.system (posix.system)
    torch.save({"w": torch.zeros(2), "x": System()}, h("os-system.pt"))
    note("os-system.pt", "torch.save of a state dict holding an object whose __reduce__ is os.system")
    pickle_archive(h("os-system-global.pt"), b"\x80\x02cos\nsystem\nX\x18\x00\x00\x00touch /tmp/ccbound-pwned\x85R.")
    note("os-system-global.pt", "GLOBAL os.system, REDUCE: the textbook gadget")
    pickle_archive(h("builtins-eval.pt"), pickle.dumps(Eval(), protocol=4))
    note("builtins-eval.pt", "protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL) asking for builtins.eval")
    pickle_archive(h("inst.pt"), b"\x80\x02(X\x18\x00\x00\x00touch /tmp/ccbound-pwnedios\nsystem\n.")
    note("inst.pt", "INST os.system: a protocol 0 call")
    pickle_archive(h("huge-memo.pt"), b"\x80\x02}r\xff\xff\xff\xff.")
    note("huge-memo.pt", "LONG_BINPUT at memo index 2^32 - 1")
    pickle_archive(h("unset-memo.pt"), b"\x80\x02j\xfe\xff\xff\xff.")
    note("unset-memo.pt", "LONG_BINGET of a memo index never stored")

    ok = open(os.path.join(OUT, "lstm-1.pt"), "rb").read()
    open(h("truncated.pt"), "wb").write(ok[: len(ok) * 3 // 5])
    note("truncated.pt", "lstm-1.pt cut to 60%: no end of central directory")
    pkl = zipfile.ZipFile(io.BytesIO(ok)).read("lstm-1/data.pkl")
    pickle_archive(h("truncated-pickle.pt"), pkl[: len(pkl) // 2])
    note("truncated-pickle.pt", "lstm-1's data.pkl cut in half")

    archive(h("zip-slip.pt"), [("zip-slip/data.pkl", pkl), ("../../../tmp/ccbound-pwned", b"x")])
    note("zip-slip.pt", "an entry named ../../../tmp/ccbound-pwned")
    archive(h("zip-bomb.pt"), [("zip-bomb/data.pkl", pkl), ("zip-bomb/data/0", bytes(80 << 20))],
            {"zip-bomb/data/0": zipfile.ZIP_DEFLATED})
    note("zip-bomb.pt", "a deflated entry of 80 MiB of zeros (about 80 KB), declared honestly")
    archive(h("zip-bomb-lying.pt"), [("zip-bomb-lying/data.pkl", pkl), ("zip-bomb-lying/data/0", bytes(16 << 20))],
            {"zip-bomb-lying/data/0": zipfile.ZIP_DEFLATED})
    patch_sizes(h("zip-bomb-lying.pt"), "zip-bomb-lying/data/0", 4096)
    note("zip-bomb-lying.pt", "a deflated entry declaring 4096 bytes that inflates to 16 MiB")

    s = Storage("0", torch.FloatStorage, [1.0, 2.0, 3.0, 4.0, 5.0])
    state_dict_archive(h("strides-past-storage.pt"), {"w": Tensor(s, 0, (10,), (1,))}, [s])
    note("strides-past-storage.pt", "a tensor of 10 elements on a storage of 5")
    s = Storage("0", torch.FloatStorage, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    state_dict_archive(h("strides-overlap-end.pt"), {"w": Tensor(s, 2, (2, 2), (3, 1))}, [s])
    note("strides-overlap-end.pt", "offset 2, size (2, 2), stride (3, 1): its last element is storage element 6 of 6")

    torch.save({"w": torch.zeros(3, dtype=torch.complex64)}, h("complex.pt"))
    note("complex.pt", "a complex64 tensor")
    torch.save(collections.OrderedDict(w=torch.zeros(3)), h("legacy.pt"), _use_new_zipfile_serialization=False)
    note("legacy.pt", "PyTorch's legacy (pre-1.6) format")
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), h("torchscript.pt"))
    note("torchscript.pt", "a TorchScript archive (torch.jit.save)")
    return files


def main():
    os.makedirs(OUT, exist_ok=True)
    records = []
    write_classifiers(records)
    write_index_lookup(records)
    write_variants(records)
    write_views(records)
    expected = {
        "generator": "scripts/pt-fixtures.py",
        "torch": torch.__version__,
        "sequences": pf.SEQUENCES,
        "models": records,
        "gpt2": write_gpt2(),
        "hostile": write_hostile(),
    }
    text = json.dumps(expected, indent=1)
    # one line per list of numbers or strings: a row of logits reads as a row
    text = re.sub(r"\[\s*([^\[\]{}]*?)\s*\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(records)} models and {len(expected['hostile'])} hostile files to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
