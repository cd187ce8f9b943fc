#!/usr/bin/python3
"""
Fixtures for ccbound's safetensors import: small PyTorch sequence classifiers, Embedding -> RNN/LSTM/GRU -> Linear on
the last step, seeded and untrained, saved as safetensors with the logits PyTorch computes for a few fixed inputs.

    /usr/bin/python3 scripts/pytorch-fixtures.py            # writes test/fixtures/pytorch/

Needs torch (Debian: apt-get install python3-torch); the safetensors package is not needed, the files are written by
hand (8-byte little-endian header length, JSON header, raw little-endian data; docs/safetensors.md). CI has no
PyTorch: the tests read only the files this script wrote, which are committed.
"""
import json
import os
import re
import struct
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "pytorch")

# Token-id inputs shared by all classifiers (vocab 7): lengths 1 to 9, every token used.
SEQUENCES = [[3], [0, 1, 2], [6, 5, 4, 3, 2], [1, 1, 1, 1, 1, 1, 1, 1], [2, 0, 6, 3, 5, 1, 4, 0, 2]]

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def save_safetensors(path, tensors, metadata=None):
    """The safetensors format by hand: tensors in the given order, header padded with spaces to 8 bytes."""
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    """The reader docs/safetensors.md shows, for torch without the safetensors package."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    header.pop("__metadata__", None)
    dtypes = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin : 8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"]).clone()
    return out


class Classifier(nn.Module):
    """Embedding -> recurrent module -> Linear on the last step, under attribute names a user might choose."""

    def __init__(self, names, vocab, d, rnn, classes, head_bias=True):
        super().__init__()
        self.names = names
        setattr(self, names[0], nn.Embedding(vocab, d))
        setattr(self, names[1], rnn)
        setattr(self, names[2], nn.Linear(rnn.hidden_size, classes, bias=head_bias))

    def forward(self, ids):
        embed, rnn, head = (getattr(self, n) for n in self.names)
        x = embed(ids)
        if rnn.batch_first:
            out, _ = rnn(x.unsqueeze(0))
            last = out[0, -1]
        else:
            out, _ = rnn(x.unsqueeze(1))
            last = out[-1, 0]
        return head(last)


def rnn_module(kind, d, hidden, layers, nonlinearity, batch_first, bias=True):
    if kind == "rnn":
        return nn.RNN(d, hidden, num_layers=layers, nonlinearity=nonlinearity, batch_first=batch_first, bias=bias)
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    return cls(d, hidden, num_layers=layers, batch_first=batch_first, bias=bias)


# Each classifier: its recurrent module, sizes (d = embedding width), the attribute names of its three modules, and
# where ccbound learns an nn.RNN's nonlinearity (the file's metadata, a sidecar file, or the --nonlinearity flag).
MODELS = [
    dict(name="rnn-tanh-1", kind="rnn", layers=1, nl="tanh", d=5, hidden=6, names=("embedding", "rnn", "fc"), nl_in="sidecar"),
    dict(name="rnn-tanh-2", kind="rnn", layers=2, nl="tanh", d=4, hidden=4, names=("embed", "rnn", "head"), nl_in="metadata"),
    dict(name="rnn-relu-1", kind="rnn", layers=1, nl="relu", d=5, hidden=4, names=("emb", "encoder", "classifier"), nl_in="metadata", rnn_bias=False),
    dict(name="rnn-relu-2", kind="rnn", layers=2, nl="relu", d=6, hidden=5, names=("embedding", "rnn", "out"), nl_in="flag", batch_first=True),
    dict(name="lstm-1", kind="lstm", layers=1, d=5, hidden=6, names=("embedding", "lstm", "fc")),
    dict(name="lstm-2", kind="lstm", layers=2, d=4, hidden=8, names=("embed", "rnn", "head")),
    # d = hidden and a head without bias: only the module names tell the embedding from the head
    dict(name="gru-1", kind="gru", layers=1, d=6, hidden=6, names=("embedding", "gru", "linear"), head_bias=False),
    dict(name="gru-2", kind="gru", layers=2, d=5, hidden=7, names=("embedding", "rnn", "fc"), batch_first=True),
]
VOCAB, CLASSES = 7, 3


def logits_of(model, sequences):
    with torch.no_grad():
        return [model(torch.tensor(s)).tolist() for s in sequences]


def build(m, seed):
    torch.manual_seed(seed)
    rnn = rnn_module(m["kind"], m["d"], m["hidden"], m["layers"], m.get("nl"), m.get("batch_first", False), m.get("rnn_bias", True))
    return Classifier(m["names"], VOCAB, m["d"], rnn, CLASSES, m.get("head_bias", True)).eval()


def write_classifiers(records):
    for seed, m in enumerate(MODELS, start=1):
        model = build(m, seed)
        for dtype, suffix in (("float32", ""), ("float64", ".f64")):
            if dtype == "float64":
                model = model.double()
            file = f"{m['name']}{suffix}.safetensors"
            nl, nl_in = m.get("nl"), m.get("nl_in")
            metadata = {"ccbound.nonlinearity": nl} if nl_in == "metadata" else None
            save_safetensors(os.path.join(OUT, file), model.state_dict(), metadata)
            if nl_in == "sidecar":
                with open(os.path.join(OUT, f"{m['name']}{suffix}.ccbound.json"), "w") as f:
                    json.dump({"ccbound.nonlinearity": nl}, f)
                    f.write("\n")
            check_reload(model, m, file)
            records.append({
                "file": file,
                "module": {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}[m["kind"]],
                "num_layers": m["layers"],
                "nonlinearity": nl,
                "batch_first": m.get("batch_first", False),
                "dtype": dtype,
                "flags": ["--nonlinearity", nl] if nl_in == "flag" else [],
                "logits": logits_of(model, SEQUENCES),
            })


def check_reload(model, m, file):
    """The file loads back into fresh modules (strict) and gives the same logits: the writer is right."""
    copy = build(m, 0)
    copy = copy.double() if next(model.parameters()).dtype == torch.float64 else copy
    copy.load_state_dict(load_safetensors(os.path.join(OUT, file)), strict=True)
    assert logits_of(copy, SEQUENCES) == logits_of(model, SEQUENCES), file


def write_index_lookup(records):
    """An LSTM whose metadata names index lookup's vocabulary at N = 6: symbols 0 1, then positions @1..@6."""
    n = 6
    torch.manual_seed(100)
    model = Classifier(("embed", "rnn", "head"), 2 + n, 4, nn.LSTM(4, 4), 2).eval()
    vocab = ["0", "1"] + [f"@{p}" for p in range(1, n + 1)]
    metadata = {"ccbound.vocab": json.dumps(vocab), "ccbound.labels": json.dumps(["0", "1"]), "ccbound.name": "index-lookup-6"}
    save_safetensors(os.path.join(OUT, "index-lookup-lstm.safetensors"), model.state_dict(), metadata)
    inputs = [[0, 1, 1, 0, 1, 0, 2 + p] for p in range(n)]
    records.append({
        "file": "index-lookup-lstm.safetensors", "module": "nn.LSTM", "num_layers": 1, "nonlinearity": None,
        "batch_first": False, "dtype": "float32", "flags": [], "vocab": vocab, "sequences": inputs,
        "logits": logits_of(model, inputs),
    })


def write_dtypes():
    """One set of values in every float dtype, with torch's own decoding, to test the 16-bit decoders."""
    torch.manual_seed(7)
    base = torch.cat([
        torch.randn(40, dtype=torch.float64) * 4,
        torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1e-5, 6e-8, -3e-6, 1e-40, 3.0e38, -1.5e-39], dtype=torch.float64),
    ])
    tensors = {"f64": base, "f32": base.float(), "f16": base.half(), "bf16": base.bfloat16()}
    tensors["f16"] = torch.where(torch.isfinite(tensors["f16"]), tensors["f16"], torch.zeros_like(tensors["f16"]))
    save_safetensors(os.path.join(OUT, "dtypes.safetensors"), tensors, {"note": "the same values in four dtypes"})
    return {name: t.double().tolist() for name, t in tensors.items()}


def main():
    os.makedirs(OUT, exist_ok=True)
    records = []
    write_classifiers(records)
    write_index_lookup(records)
    expected = {
        "generator": "scripts/pytorch-fixtures.py",
        "torch": torch.__version__,
        "sequences": SEQUENCES,
        "models": records,
        "dtypes": write_dtypes(),
    }
    text = json.dumps(expected, indent=1)
    # one line per list of numbers or strings: a row of logits reads as a row
    text = re.sub(r"\[\s*([^\[\]{}]*?)\s*\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(records)} models to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
