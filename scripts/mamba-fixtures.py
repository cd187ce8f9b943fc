#!/usr/bin/python3
"""
Fixtures for ccbound's Mamba-1 and linear Transformer import: small seeded untrained sequence classifiers in the
reference implementations' state_dict names, saved as safetensors and as torch.save .pt files, with the logits
PyTorch computes for a few fixed inputs (on the last token, after the backbone's final norm).

    /usr/bin/python3 scripts/mamba-fixtures.py            # writes test/fixtures/mamba/

The models are plain PyTorch ports (the official kernels are not installable here) of
- Mamba: HF transformers src/transformers/models/mamba/modeling_mamba.py at 00328d4e5b22c29e40d28b27c2a99cd7d0c5c14e,
  MambaMixer.slow_forward without a cache (conv1d over the sequence, then the sequential scan), MambaRMSNorm,
  MambaBlock (pre-norm, residual), MambaModel (embeddings, layers, norm_f); config use_bias = False,
  use_conv_bias = True; a classification head `head` (nn.Linear) on the last position;
- the linear Transformer: idiap/fast-transformers fast_transformers/recurrent/transformers.py (080b748,
  RecurrentTransformerEncoderLayer / RecurrentTransformerEncoder), recurrent/attention/self_attention/
  attention_layer.py (5c842dc, RecurrentAttentionLayer) and linear_attention.py (7ee816c, RecurrentLinearAttention,
  elu + 1, eps 1e-6), run token by token; with `embedding` (nn.Embedding) and a `head` (nn.Linear).

Needs torch only: the safetensors files are written by hand as scripts/pytorch-fixtures.py writes them. CI has no
PyTorch: the tests read the files this script wrote, which are committed.
"""
import json
import os
import struct

import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "mamba")
SEQUENCES = [[3], [0, 1, 2], [4, 3, 2, 1, 0], [1, 1, 1, 1, 1, 1, 1], [2, 0, 4, 3, 1, 1, 4, 0, 2]]
VOCAB, LABELS = 5, 3
DTYPES = {torch.float64: "F64", torch.float32: "F32"}


def save_safetensors(path, tensors, metadata=None):
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


class MambaRMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.variance_epsilon = eps

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.variance_epsilon))


class MambaMixer(nn.Module):
    def __init__(self, d, e, n, k, r):
        super().__init__()
        self.e, self.n, self.k, self.r = e, n, k, r
        self.in_proj = nn.Linear(d, 2 * e, bias=False)
        self.conv1d = nn.Conv1d(e, e, kernel_size=k, groups=e, padding=k - 1, bias=True)
        self.x_proj = nn.Linear(e, r + 2 * n, bias=False)
        self.dt_proj = nn.Linear(r, e, bias=True)
        a = torch.arange(1, n + 1, dtype=torch.float32)[None, :].expand(e, -1).contiguous()
        self.A_log = nn.Parameter(torch.log(a))
        self.D = nn.Parameter(torch.ones(e))
        self.out_proj = nn.Linear(e, d, bias=False)

    def forward(self, u):  # u: [batch, seq, d]; slow_forward without a cache
        batch, seq, _ = u.shape
        x, gate = self.in_proj(u).transpose(1, 2).chunk(2, dim=1)
        x = F.silu(self.conv1d(x)[..., :seq])
        dbc = self.x_proj(x.transpose(1, 2))
        dt, B, C = torch.split(dbc, [self.r, self.n, self.n], dim=-1)
        dt = F.softplus(self.dt_proj(dt)).transpose(1, 2)
        A = -torch.exp(self.A_log)
        dA = torch.exp(A[None, :, None, :] * dt[:, :, :, None])
        dBu = (dt[:, :, :, None] * B[:, None, :, :]) * x[:, :, :, None]
        h = torch.zeros(batch, self.e, self.n, dtype=u.dtype)
        ys = []
        for i in range(seq):
            h = dA[:, :, i, :] * h + dBu[:, :, i, :]
            ys.append(torch.matmul(h, C[:, i, :].unsqueeze(-1))[:, :, 0])
        y = torch.stack(ys, dim=-1) + x * self.D[None, :, None]
        y = y * F.silu(gate)
        return self.out_proj(y.transpose(1, 2))


class MambaBlock(nn.Module):
    def __init__(self, d, e, n, k, r, eps):
        super().__init__()
        self.norm = MambaRMSNorm(d, eps)
        self.mixer = MambaMixer(d, e, n, k, r)

    def forward(self, x):
        return x + self.mixer(self.norm(x))


class MambaModel(nn.Module):
    def __init__(self, d, e, n, k, r, layers, eps):
        super().__init__()
        self.embeddings = nn.Embedding(VOCAB, d)
        self.layers = nn.ModuleList([MambaBlock(d, e, n, k, r, eps) for _ in range(layers)])
        self.norm_f = MambaRMSNorm(d, eps)

    def forward(self, ids):
        x = self.embeddings(ids)
        for layer in self.layers:
            x = layer(x)
        return self.norm_f(x)


class MambaClassifier(nn.Module):
    def __init__(self, **o):
        super().__init__()
        self.backbone = MambaModel(**o)
        self.head = nn.Linear(o["d"], LABELS)

    def forward(self, ids):
        return self.head(self.backbone(ids[None, :])[0, -1])


class RecurrentLinearAttention(nn.Module):
    def __init__(self, eps=1e-6):
        super().__init__()
        self.eps = eps

    def forward(self, q, k, v, state):
        Q, K = F.elu(q) + 1, F.elu(k) + 1
        N, H, D = Q.shape
        M = v.shape[-1]
        S, Z = state if state is not None else (q.new_zeros((N, H, D, M)), q.new_zeros((N, H, D)))
        Z = Z + K
        S = S + torch.einsum("nhd,nhm->nhdm", K, v)
        norm = 1.0 / (torch.einsum("nhd,nhd->nh", Q, Z) + self.eps)
        return torch.einsum("nhd,nhdm,nh->nhm", Q, S, norm), (S, Z)


class RecurrentAttentionLayer(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.inner_attention = RecurrentLinearAttention()
        self.query_projection = nn.Linear(d, d)
        self.key_projection = nn.Linear(d, d)
        self.value_projection = nn.Linear(d, d)
        self.out_projection = nn.Linear(d, d)
        self.n_heads = heads

    def forward(self, x, state):
        N, H = x.shape[0], self.n_heads
        v, state = self.inner_attention(
            self.query_projection(x).view(N, H, -1),
            self.key_projection(x).view(N, H, -1),
            self.value_projection(x).view(N, H, -1),
            state,
        )
        return self.out_projection(v.reshape(N, -1)), state


class RecurrentTransformerEncoderLayer(nn.Module):
    def __init__(self, d, heads, ff, activation):
        super().__init__()
        self.attention = RecurrentAttentionLayer(d, heads)
        self.linear1 = nn.Linear(d, ff)
        self.linear2 = nn.Linear(ff, d)
        self.norm1 = nn.LayerNorm(d)
        self.norm2 = nn.LayerNorm(d)
        self.activation = F.relu if activation == "relu" else F.gelu

    def forward(self, x, state):
        x2, state = self.attention(x, state)
        y = x = self.norm1(x + x2)
        y = self.linear2(self.activation(self.linear1(y)))
        return self.norm2(x + y), state


class RecurrentTransformerEncoder(nn.Module):
    def __init__(self, d, heads, ff, activation, layers, final_norm):
        super().__init__()
        self.layers = nn.ModuleList([RecurrentTransformerEncoderLayer(d, heads, ff, activation) for _ in range(layers)])
        self.norm = nn.LayerNorm(d) if final_norm else None

    def forward(self, x, state):
        state = state or [None] * len(self.layers)
        for i, layer in enumerate(self.layers):
            x, state[i] = layer(x, state[i])
        return (self.norm(x) if self.norm is not None else x), state


class LinearClassifier(nn.Module):
    def __init__(self, d, heads, ff, activation, layers, final_norm):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, d)
        self.encoder = RecurrentTransformerEncoder(d, heads, ff, activation, layers, final_norm)
        self.head = nn.Linear(d, LABELS)

    def forward(self, ids):
        state, x = None, None
        for t in ids:
            x, state = self.encoder(self.embedding(t[None]), state)
        return self.head(x[0])


def perturb(model, seed):
    """Every parameter moved off its init by a seeded amount, so that norms, D and A_log are not the identity."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=g, dtype=p.dtype))


MODELS = [
    ("mamba-1", MambaClassifier, dict(d=4, e=8, n=3, k=4, r=1, layers=1, eps=1e-5), {}),
    ("mamba-2", MambaClassifier, dict(d=4, e=6, n=2, k=3, r=2, layers=2, eps=1e-5), {}),
    ("linear-attention-1", LinearClassifier, dict(d=4, heads=2, ff=6, activation="relu", layers=1, final_norm=False), {"ccbound.heads": "2"}),
    ("linear-attention-2", LinearClassifier, dict(d=4, heads=1, ff=5, activation="gelu", layers=2, final_norm=True), {"ccbound.heads": "1", "ccbound.activation": "gelu"}),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    records = []
    for i, (name, cls, o, metadata) in enumerate(MODELS):
        for dtype, suffix in [(torch.float32, ""), (torch.float64, ".f64")]:
            torch.manual_seed(100 + i)
            model = cls(**o)
            perturb(model, 200 + i)
            model = model.to(dtype).eval()
            with torch.no_grad():
                logits = [model(torch.tensor(s)).tolist() for s in SEQUENCES]
            base = f"{name}{suffix}"
            save_safetensors(os.path.join(OUT, f"{base}.safetensors"), model.state_dict(), metadata or None)
            torch.save(model.state_dict(), os.path.join(OUT, f"{base}.pt"))
            if metadata:
                with open(os.path.join(OUT, f"{base}.ccbound.json"), "w") as f:
                    json.dump(metadata, f, indent=1)
                    f.write("\n")
            records.append({"file": base, "config": o, "dtype": str(dtype).replace("torch.", ""), "logits": logits})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"generator": "scripts/mamba-fixtures.py", "torch": torch.__version__, "sequences": SEQUENCES,
                   "models": records}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
