#!/usr/bin/python3
"""Reference outputs for ccbound's Transformer, computed by PyTorch (float64) from the paper's definitions.

Writes test/fixtures/pytorch-transformer/fixtures.json: for each model, the ccbound model file (format float64) and
the logits PyTorch computes for fixed token sequences. Trains nothing; seeded. CI has no PyTorch: the test reads
the committed file. Run: /usr/bin/python3 scripts/pytorch-transformer-fixtures.py (needs python3-torch).

The forward pass, written with torch tensor operations and torch.nn.functional (layer_norm, relu, softmax), is an
implementation independent of ccbound's: attention logits <W_Q x_i, W_K x_j> with no 1/sqrt(m) scaling (paper
Sec. 2), softmax over the visible positions, heads side by side through W_O, residuals, post layer norm, a ReLU
FFN, and the head read at the last position.
"""
import json
import torch
import torch.nn.functional as F

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


def main():
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


if __name__ == "__main__":
    main()
