#!/usr/bin/python3
"""Reference logits of GPT-2 and nn.TransformerEncoder classifiers, for ccbound's gpt2 and torch-encoder blocks.

    /usr/bin/python3 scripts/gpt2-fixtures.py      # needs python3-torch (1.13); HF transformers is not needed

Writes into test/fixtures/gpt2/: small seeded models (float32 and float64, 1 or 2 layers) as safetensors and as
`torch.save(model.state_dict(), ...)` files under the reference names, a sidecar `<name>.ccbound.json` with what the
weights cannot say (heads, norm_first, activation), and expected.json with the logits the module computes on a few
token sequences. Trains nothing. CI has no PyTorch: the tests read the committed files.

GPT-2 is HF transformers' GPT2ForSequenceClassification ported to plain PyTorch from
src/transformers/models/gpt2/modeling_gpt2.py at commit c44b2d9976e8eafbdcb89cb2710141b2bc9b138f (the eager `_attn`
path; dropout off; no pad token, so the score is read at the last position, as ccbound reads it). The encoder is
torch's own nn.TransformerEncoder, run with a causal mask (ccbound runs every torch-encoder block causally).
"""
import collections
import json
import math
import os
import struct

import torch
from torch import nn

OUT = "test/fixtures/gpt2"
VOCAB, LABELS, POSITIONS = 5, 3, 8
SEQUENCES = [[0], [1, 2], [4, 0, 3], [2, 2, 1, 0, 4], [3, 1, 4, 1, 0, 2, 2, 1]]
REFERENCE = "huggingface/transformers@c44b2d9976e8eafbdcb89cb2710141b2bc9b138f"


# --- GPT-2, as modeling_gpt2.py at the reference commit -------------------------------------------------------------


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: a linear layer whose weight is stored in x out."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


def gelu_new(x):
    """transformers.activations.NewGELUActivation."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, d, heads, positions):
        super().__init__()
        mask = torch.tril(torch.ones((positions, positions), dtype=torch.bool)).view(1, 1, positions, positions)
        self.register_buffer("bias", mask, persistent=False)
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=False)
        self.num_heads, self.head_dim, self.split_size = heads, d // heads, d
        self.c_attn = Conv1D(3 * d, d)
        self.c_proj = Conv1D(d, d)

    def _attn(self, query, key, value):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        attn_weights = attn_weights / torch.full([], value.size(-1) ** 0.5, dtype=attn_weights.dtype)  # scale_attn_weights
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length : key_length, :key_length]
        mask_value = torch.full([], torch.finfo(attn_weights.dtype).min, dtype=attn_weights.dtype)
        attn_weights = torch.where(causal_mask, attn_weights.to(attn_weights.dtype), mask_value)
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        return torch.matmul(attn_weights, value)

    def _split_heads(self, tensor):
        new_shape = tensor.size()[:-1] + (self.num_heads, self.head_dim)
        return tensor.view(new_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states):
        query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)
        attn_output = self._attn(self._split_heads(query), self._split_heads(key), self._split_heads(value))
        attn_output = attn_output.permute(0, 2, 1, 3).contiguous()
        attn_output = attn_output.view(attn_output.size()[:-2] + (self.num_heads * self.head_dim,))
        return self.c_proj(attn_output)


class GPT2MLP(nn.Module):
    def __init__(self, inner, d):
        super().__init__()
        self.c_fc = Conv1D(inner, d)
        self.c_proj = Conv1D(d, inner)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, d, heads, inner, positions, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.attn = GPT2Attention(d, heads, positions)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.mlp = GPT2MLP(inner, d)

    def forward(self, hidden_states):
        residual = hidden_states
        hidden_states = residual + self.attn(self.ln_1(hidden_states))
        residual = hidden_states
        return residual + self.mlp(self.ln_2(hidden_states))


class GPT2Model(nn.Module):
    def __init__(self, vocab, positions, d, layers, heads, inner, eps):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.h = nn.ModuleList(GPT2Block(d, heads, inner, positions, eps) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d, eps=eps)

    def forward(self, input_ids):
        position_ids = torch.arange(input_ids.size(-1)).unsqueeze(0)
        hidden_states = self.wte(input_ids) + self.wpe(position_ids)
        for block in self.h:
            hidden_states = block(hidden_states)
        return self.ln_f(hidden_states)


class GPT2ForSequenceClassification(nn.Module):
    def __init__(self, vocab, positions, d, layers, heads, inner, labels, eps=1e-5):
        super().__init__()
        self.transformer = GPT2Model(vocab, positions, d, layers, heads, inner, eps)
        self.score = nn.Linear(d, labels, bias=False)

    def forward(self, input_ids):  # (1, n); no pad token: HF reads the last position (sequence_lengths = -1)
        return self.score(self.transformer(input_ids))[:, -1]


# --- nn.TransformerEncoder, in the module ccbound's torch-encoder layout names --------------------------------------


class EncoderClassifier(nn.Module):
    """embed + pos_embed -> nn.TransformerEncoder (causal mask) -> head at the last position."""

    def __init__(self, vocab, positions, d, layers, heads, ffn, labels, norm_first, activation, final_norm):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos_embed = nn.Embedding(positions, d)
        layer = nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.0, activation=activation, norm_first=norm_first)
        norm = nn.LayerNorm(d) if final_norm else None
        self.encoder = nn.TransformerEncoder(layer, layers, norm=norm, enable_nested_tensor=False)
        self.head = nn.Linear(d, labels)

    def forward(self, input_ids):  # (1, n)
        n = input_ids.size(-1)
        x = (self.embed(input_ids[0]) + self.pos_embed(torch.arange(n))).unsqueeze(1)  # (n, 1, d): batch_first=False
        mask = torch.ones(n, n, dtype=torch.bool).triu(1)  # True: not attended (a bool mask works in any dtype)
        return self.head(self.encoder(x, mask=mask)[-1])


# --- files ------------------------------------------------------------------------------------------------------------

DTYPES = {torch.float64: "F64", torch.float32: "F32"}


def save_safetensors(path, tensors):
    """The safetensors format by hand (the python package is not installed): header padded with spaces to 8 bytes."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def randomise(model, g):
    """Every weight uniform in [-1, 1] (layer norm weights 1 + uniform / 2), so attention is far from uniform."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            u = torch.rand(p.shape, generator=g, dtype=torch.float64) * 2 - 1
            p.copy_(1 + u / 2 if ("ln" in name or "norm" in name) and name.endswith("weight") else u)


def write(name, model, dtype, settings, record):
    model = model.to(dtype).eval()
    sd = model.state_dict()
    save_safetensors(os.path.join(OUT, f"{name}.safetensors"), sd)
    torch.save(sd, os.path.join(OUT, f"{name}.pt"))
    with open(os.path.join(OUT, f"{name}.ccbound.json"), "w") as f:
        json.dump(settings, f, indent=1)
        f.write("\n")
    with torch.no_grad():
        logits = [model(torch.tensor([s])).reshape(-1).tolist() for s in SEQUENCES]
    return {"name": name, "dtype": str(dtype).removeprefix("torch."), **record, "sequences": SEQUENCES, "logits": logits}


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20240613)
    models = []
    for name, dtype, layers in [("gpt2-1", torch.float32, 1), ("gpt2-1.f64", torch.float64, 1), ("gpt2-2.f64", torch.float64, 2)]:
        model = GPT2ForSequenceClassification(VOCAB, POSITIONS, 4, layers, 2, 8, LABELS)
        randomise(model, g)
        models.append(write(name, model, dtype, {"ccbound.heads": 2}, {"block": "gpt2", "layers": layers}))
    encoders = [
        ("enc-post-relu", torch.float32, 1, False, "relu", False),
        ("enc-first-gelu.f64", torch.float64, 1, True, "gelu", True),
        ("enc-post-gelu-2", torch.float32, 2, False, "gelu", True),
        ("enc-first-relu-2.f64", torch.float64, 2, True, "relu", False),
    ]
    for name, dtype, layers, norm_first, activation, final_norm in encoders:
        model = EncoderClassifier(VOCAB, POSITIONS, 4, layers, 2, 6, LABELS, norm_first, activation, final_norm)
        randomise(model, g)
        settings = {"ccbound.heads": 2, "ccbound.norm_first": norm_first, "ccbound.activation": activation}
        record = {"block": "torch-encoder", "layers": layers, "normFirst": norm_first, "activation": activation,
                  "finalNorm": final_norm}
        models.append(write(name, model, dtype, settings, record))
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "reference": REFERENCE, "models": models}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(models)} models")


if __name__ == "__main__":
    main()
