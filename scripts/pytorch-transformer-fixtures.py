#!/usr/bin/python3
"""Reference outputs for ccbound's Transformer, computed by PyTorch from the paper's definitions.

    /usr/bin/python3 scripts/pytorch-transformer-fixtures.py      # needs python3-torch

Writes into test/fixtures/pytorch-transformer/:
- fixtures.json: ccbound model files (float64) with the logits an independent functional forward pass computes;
- *.safetensors (+ expected.json): seeded `Transformer` modules (below) saved as state_dicts, float32 and float64,
  with the logits the module computes for fixed token sequences.
Trains nothing; seeded. CI has no PyTorch: the tests read the committed files.

`forward` is written with torch tensor operations and torch.nn.functional (layer_norm, relu, softmax), independently
of ccbound: attention logits <W_Q x_i, W_K x_j> with no 1/sqrt(m) scaling (paper Sec. 2), softmax over the visible
positions, heads side by side through W_O, residuals, post layer norm, a ReLU FFN, and the head read at the last
position. `Transformer` is the nn.Module of docs/safetensors.md: its state_dict names are the ones ccbound writes
(the layout of src/models/blocks/paper.ts), and the script checks it against `forward`.
"""
import json
import os
import re
import struct

import torch
import torch.nn.functional as F
from torch import nn

OUT = "test/fixtures/pytorch-transformer/fixtures.json"
VOCAB = ["a", "b", "c", "d", "e"]
LABELS = ["0", "1", "2"]


def rand(*shape):
    return (torch.rand(*shape, dtype=torch.float64) * 2 - 1)


def layer(d, m, heads, f, norm):
    spec = {
        "heads": [{"query": rand(m, d), "key": rand(m, d), "value": rand(m, d)} for _ in range(heads)],
        "output": rand(d, m * heads),
        "ffn": {"weight1": rand(f, d), "bias1": rand(f), "weight2": rand(d, f), "bias2": rand(d)} if f > 0 else None,
    }
    if norm:
        spec["norm1"] = {"weight": rand(d) + 1.5, "bias": rand(d), "eps": 1e-5}
        spec["norm2"] = {"weight": rand(d) + 1.5, "bias": rand(d), "eps": 1e-5}
    return spec


def forward(model, tokens):
    n = len(tokens)
    x = model["tokenEmbedding"][tokens] + model["positionEmbedding"][:n]
    for lay in model["layers"]:
        outs = []
        for h in lay["heads"]:
            q, k, v = x @ h["query"].T, x @ h["key"].T, x @ h["value"].T
            scores = q @ k.T
            if model["causal"]:
                scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
            outs.append(F.softmax(scores, dim=-1) @ v)
        a = x + torch.cat(outs, dim=-1) @ lay["output"].T
        if "norm1" in lay:
            a = F.layer_norm(a, (a.shape[-1],), lay["norm1"]["weight"], lay["norm1"]["bias"], lay["norm1"]["eps"])
        if lay["ffn"] is not None:
            ffn = lay["ffn"]
            a = a + F.relu(a @ ffn["weight1"].T + ffn["bias1"]) @ ffn["weight2"].T + ffn["bias2"]
        if "norm2" in lay:
            a = F.layer_norm(a, (a.shape[-1],), lay["norm2"]["weight"], lay["norm2"]["bias"], lay["norm2"]["eps"])
        x = a
    return x[-1] @ model["head"]["weight"].T + model["head"]["bias"]


def as_json(value):
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def write_json_fixtures():
    torch.manual_seed(20240613)
    shapes = [
        ("one layer, two heads, layer norm", dict(d=4, m=3, heads=2, f=6, norm=True, layers=1, causal=True)),
        ("two layers, causal", dict(d=4, m=2, heads=2, f=5, norm=False, layers=2, causal=True)),
        ("two layers, bidirectional, layer norm", dict(d=3, m=3, heads=1, f=4, norm=True, layers=2, causal=False)),
        ("three layers, no FFN", dict(d=2, m=2, heads=3, f=0, norm=False, layers=3, causal=True)),
    ]
    fixtures = []
    max_len = 9
    for name, s in shapes:
        model = {
            "tokenEmbedding": rand(len(VOCAB), s["d"]),
            "positionEmbedding": rand(max_len, s["d"]),
            "causal": s["causal"],
            "layers": [layer(s["d"], s["m"], s["heads"], s["f"], s["norm"]) for _ in range(s["layers"])],
            "head": {"weight": rand(len(LABELS), s["d"]), "bias": rand(len(LABELS))},
        }
        inputs = [torch.randint(0, len(VOCAB), (n,)).tolist() for n in (1, 2, 5, 9, 9)]
        expected = [forward(model, torch.tensor(t)).tolist() for t in inputs]
        spec = {"ccbound": "model", "version": 1, "name": f"pytorch fixture: {name}", "arch": "transformer", "format": "float64",
                "vocab": VOCAB, "labels": LABELS, **as_json(model)}
        fixtures.append({"name": name, "model": spec, "inputs": inputs, "logits": expected})
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "fixtures": fixtures}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(fixtures)} models")



# The module ccbound's safetensors files load into (docs/safetensors.md shows the same code). Its state_dict names:
# embed.weight, pos_embed.weight, layers.L.heads.H.{query,key,value}.weight, layers.L.output.weight,
# layers.L.linear{1,2}.{weight,bias}, layers.L.norm{1,2}.{weight,bias}, head.{weight,bias}.
class Head(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.query = nn.Linear(d, m, bias=False)
        self.key = nn.Linear(d, m, bias=False)
        self.value = nn.Linear(d, m, bias=False)

    def forward(self, x, mask):
        scores = self.query(x) @ self.key(x).T  # no 1/sqrt(m) scaling, as in the paper
        return scores.masked_fill(mask, float("-inf")).softmax(-1) @ self.value(x)


class Layer(nn.Module):
    def __init__(self, d, m, heads, ffn=0, norm1=None, norm2=None):  # ffn: width f, 0 for none; norm: eps, None for none
        super().__init__()
        self.heads = nn.ModuleList(Head(d, m) for _ in range(heads))
        self.output = nn.Linear(m * heads, d, bias=False)
        self.linear1 = nn.Linear(d, ffn) if ffn else None
        self.linear2 = nn.Linear(ffn, d) if ffn else None
        self.norm1 = nn.LayerNorm(d, eps=norm1) if norm1 is not None else None
        self.norm2 = nn.LayerNorm(d, eps=norm2) if norm2 is not None else None

    def forward(self, x, mask):
        x = x + self.output(torch.cat([head(x, mask) for head in self.heads], -1))
        if self.norm1 is not None:
            x = self.norm1(x)
        if self.linear1 is not None:
            x = x + self.linear2(self.linear1(x).relu())
        if self.norm2 is not None:
            x = self.norm2(x)
        return x


class Transformer(nn.Module):
    def __init__(self, vocab, positions, d, labels, layers, causal=False):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos_embed = nn.Embedding(positions, d)
        self.layers = nn.ModuleList(layers)
        self.head = nn.Linear(d, labels)
        self.causal = causal

    def forward(self, ids):  # one sequence of token ids, at most `positions` long
        n = len(ids)
        x = self.embed(ids) + self.pos_embed(torch.arange(n))
        mask = torch.ones(n, n, dtype=torch.bool).triu(1) if self.causal else torch.zeros(n, n, dtype=torch.bool)
        for layer in self.layers:
            x = layer(x, mask)
        return self.head(x[-1])


def transformer_from(tensors, metadata):
    """The module for a state_dict with these names, sized by its tensors; what they cannot say, from the metadata."""
    eps = json.loads(metadata.get("ccbound.layer_norm_eps", "1e-5"))  # a number, or one per norm module
    layers = []
    while f"layers.{len(layers)}.output.weight" in tensors:
        p = f"layers.{len(layers)}."
        heads = sum(name.startswith(p + "heads.") and name.endswith(".query.weight") for name in tensors)
        m, d = tensors[p + "heads.0.query.weight"].shape
        ffn = len(tensors[p + "linear1.weight"]) if p + "linear1.weight" in tensors else 0
        norms = [(eps[p + f"norm{k}"] if isinstance(eps, dict) else eps) if p + f"norm{k}.weight" in tensors else None for k in (1, 2)]
        layers.append(Layer(d, m, heads, ffn, *norms))
    vocab, d = tensors["embed.weight"].shape
    positions, labels = len(tensors["pos_embed.weight"]), len(tensors["head.weight"])
    return Transformer(vocab, positions, d, labels, layers, metadata.get("ccbound.causal") == "true")


DTYPES = {torch.float64: "F64", torch.float32: "F32"}


def save_safetensors(path, tensors, metadata=None):
    """The safetensors format by hand (as scripts/pytorch-fixtures.py): header padded with spaces to 8 bytes."""
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    """The reader docs/safetensors.md shows: tensors and metadata."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    metadata = header.pop("__metadata__", {})
    dtypes = {"F64": torch.float64, "F32": torch.float32}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin : 8 + n + end])
        tensors[name] = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return tensors, metadata


class Wrapped(nn.Module):
    """A user's module holding the Transformer as an attribute: its state_dict names carry the prefix "model."."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids):
        return self.model(ids)


# Each module: sizes (d, m, heads per layer, FFN width f or 0, layer norms with their eps), causal, where ccbound
# learns what the tensors cannot say ("metadata", a "sidecar" file, or nowhere: ccbound's defaults must be right), and
# whether the module is wrapped (names under "model.").
MODULES = [
    dict(name="t1-ffn-norm", d=4, m=3, heads=2, layers=1, f=6, norms=(1e-5, 1e-5), causal=True, settings="metadata"),
    dict(name="t1-plain", d=3, m=2, heads=1, layers=1, f=0, norms=(None, None), causal=False, settings=None),
    dict(name="t2-ffn-norm", d=4, m=2, heads=2, layers=2, f=5, norms=(1e-5, 1e-5), causal=False, settings=None),
    dict(name="t2-causal-ffn", d=4, m=2, heads=3, layers=2, f=4, norms=(1e-5, None), causal=True, settings="sidecar"),
    dict(name="t2-norm-causal", d=3, m=4, heads=1, layers=2, f=0, norms=(1e-3, 1e-3), causal=True, settings="metadata", wrapped=True),
]
TOKENS, CLASSES, POSITIONS = ["a", "b", "c", "d", "e"], ["x", "y", "z"], 8
OUT_DIR = os.path.dirname(OUT)


def build_module(s, seed):
    """Seeded. Embeddings and biases from [-1, 1], layer norms' weights from [0.5, 1.5] (not PyTorch's 1 and 0), and
    nn.Linear weights from [-1, 1] / sqrt(fan_in): logits of size 1, whose float32 rounding stays well below 1e-6
    (with [-1, 1] weights, a 2-layer model's float32 logits were 7e-7 from its float64 ones, in PyTorch and ccbound)."""
    torch.manual_seed(seed)
    layers = [Layer(s["d"], s["m"], s["heads"], s["f"], *s["norms"]) for _ in range(s["layers"])]
    model = Transformer(len(TOKENS), POSITIONS, s["d"], len(CLASSES), layers, s["causal"])
    with torch.no_grad():
        for name, p in model.named_parameters():
            if re.search(r"norm\d\.weight$", name):
                p.uniform_(0.5, 1.5)
            elif p.dim() == 2 and "embed" not in name:
                p.uniform_(-1, 1).div_(p.shape[1] ** 0.5)
            else:
                p.uniform_(-1, 1)
    return model.eval()


def spec_of(model):
    """The module's weights in the form `forward` takes (float64), to check the module against it."""
    w = lambda lin: lin.weight.detach().double()
    norm = lambda ln: ln and {"weight": w(ln), "bias": ln.bias.detach().double(), "eps": ln.eps}
    layers = [{
        "heads": [{"query": w(h.query), "key": w(h.key), "value": w(h.value)} for h in layer.heads],
        "output": w(layer.output),
        "ffn": layer.linear1 and {"weight1": w(layer.linear1), "bias1": layer.linear1.bias.detach().double(),
                                  "weight2": w(layer.linear2), "bias2": layer.linear2.bias.detach().double()},
        **({"norm1": norm(layer.norm1)} if layer.norm1 is not None else {}),
        **({"norm2": norm(layer.norm2)} if layer.norm2 is not None else {}),
    } for layer in model.layers]
    return {"tokenEmbedding": w(model.embed), "positionEmbedding": w(model.pos_embed), "causal": model.causal,
            "layers": layers, "head": {"weight": w(model.head), "bias": model.head.bias.detach().double()}}


def settings_of(s):
    """What the tensors cannot say, as ccbound.* settings."""
    eps = {e for e in s["norms"] if e is not None}
    return {
        "ccbound.vocab": json.dumps(TOKENS),
        "ccbound.labels": json.dumps(CLASSES),
        "ccbound.causal": "true" if s["causal"] else "false",
        **({"ccbound.layer_norm_eps": json.dumps(eps.pop())} if eps else {}),
    }


def logits_of(model, sequences):
    with torch.no_grad():
        return [model(torch.tensor(ids)).tolist() for ids in sequences]


def write_module(s, seed, records):
    model = build_module(s, seed)
    generator = torch.Generator().manual_seed(seed)
    sequences = [torch.randint(0, len(TOKENS), (n,), generator=generator).tolist() for n in (1, 3, 6, POSITIONS)]
    reference = [forward(spec_of(model), torch.tensor(ids)) for ids in sequences]
    for dtype, suffix in ((torch.float32, ""), (torch.float64, ".f64")):
        module = (Wrapped(model) if s.get("wrapped") else model).to(dtype)
        file = f"{s['name']}{suffix}.safetensors"
        settings = settings_of(s)
        save_safetensors(os.path.join(OUT_DIR, file), module.state_dict(), settings if s["settings"] == "metadata" else None)
        if s["settings"] == "sidecar":
            with open(os.path.join(OUT_DIR, f"{s['name']}{suffix}.ccbound.json"), "w") as f:
                json.dump({k: json.loads(v) if k != "ccbound.layer_norm_eps" else float(v) for k, v in settings.items()}, f)
                f.write("\n")
        logits = logits_of(module, sequences)
        check(module, file, sequences, logits, reference, dtype, settings if s["settings"] else {})
        records.append({
            "file": file, "dtype": "float32" if dtype == torch.float32 else "float64", "layers": s["layers"],
            "heads": s["heads"], "ffn": s["f"], "norms": [e is not None for e in s["norms"]], "causal": s["causal"],
            "prefix": "model." if s.get("wrapped") else "", "settings": s["settings"],
            "vocab": TOKENS if s["settings"] else [str(i) for i in range(len(TOKENS))],
            "labels": CLASSES if s["settings"] else [str(i) for i in range(len(CLASSES))], "sequences": sequences, "logits": logits,
        })


def check(module, file, sequences, logits, reference, dtype, settings):
    """The file loads back (strict, the docs' way) to the same logits; in float64 the module is `forward`."""
    tensors, _ = load_safetensors(os.path.join(OUT_DIR, file))
    tensors = {k.removeprefix("model."): v for k, v in tensors.items()}
    copy = transformer_from(tensors, settings).to(dtype)  # the settings, wherever the file keeps them
    copy.load_state_dict(tensors, strict=True)
    assert logits_of(copy, sequences) == logits, file
    tolerance = 1e-12 if dtype == torch.float64 else 1e-5
    for got, want in zip(logits, reference):
        assert max(abs(g - w) for g, w in zip(got, want.tolist())) < tolerance, file


def write_safetensors_fixtures():
    records = []
    for seed, s in enumerate(MODULES, start=1):
        write_module(s, seed, records)
    text = json.dumps({"generator": "scripts/pytorch-transformer-fixtures.py", "torch": torch.__version__, "models": records}, indent=1)
    # one line per list of numbers or strings: a row of logits reads as a row
    text = re.sub(r"\[\s*([^\[\]{}]*?)\s*\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(os.path.join(OUT_DIR, "expected.json"), "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(records)} safetensors files to {OUT_DIR}")


def main():
    write_json_fixtures()  # first, with its own seed: fixtures.json does not change when modules are added below
    write_safetensors_fixtures()


if __name__ == "__main__":
    main()
