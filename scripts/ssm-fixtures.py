#!/usr/bin/python3
"""
PyTorch fixtures for ccbound's S4D and RetNet cells (src/models/cells/s4d.ts, retnet.ts): small models written in
plain PyTorch from the reference code, saved as users save them (torch.save(model.state_dict(), "m.pt")) under the
reference's state_dict names, with the logits PyTorch computes for a few inputs. Writes test/fixtures/ssm/:

  s4d.pt, s4d.f64.pt            S4D (state-spaces/s4 2ed46fcf77f2392145ceb801a553367c9111675a, models/s4/s4d.py:
                                S4DKernel and S4D as written there, the FFT convolution included, GELU, Conv1d+GLU) in
                                the residual block of example.py (1f39234851ab1a242b3bea30abe07993172ef4a9, S4Model:
                                post-norm LayerNorm), with an nn.Embedding as the encoder and the decoder on the last
                                position instead of the mean (a causal model's answer, what ccbound's head reads)
  retnet.pt, retnet.f64.pt      RetNet (microsoft/torchscale 05a9628309ae38f6bb07eaf26f3f48e0285a124f,
                                torchscale/architecture/retnet.py and component/multiscale_retention.py: RetNetRelPos,
                                MultiScaleRetention.recurrent_forward, DecoderLayer, GLU, RMSNorm), run token by token
                                through the recurrent path, post-norm (decoder_normalize_before False: the decoder has
                                no final layer_norm), no embed scale, gelu GLU; the reference's .float() casts in
                                RMSNorm and GLU are left out (a no-op in float32; in float64 they would round to
                                float32 in the middle of a float64 model)
  expected.json                 per file: the settings (vocab, labels, sizes) and, per input, PyTorch's logits

    /usr/bin/python3 scripts/ssm-fixtures.py

Needs torch (Debian: apt-get install python3-torch). CI has no PyTorch: the tests read only the committed outputs.
"""
import json
import math
import os

import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "ssm")
VOCAB = ["a", "b", "c", "d"]
LABELS = ["x", "y", "z"]
INPUTS = [[0], [1, 2], [3, 0, 1, 2, 2], [2, 2, 1, 0, 3, 1, 0, 0], [1, 3, 3, 0, 2, 1, 0, 2, 3, 1, 1, 0]]


# ---------------------------------------------------------------------------------------------------------------
# S4D: models/s4/s4d.py at 2ed46fc (S4DKernel, S4D; dropout 0), example.py's residual block.


class S4DKernel(nn.Module):
    def __init__(self, d_model, N=64, dt_min=0.001, dt_max=0.1):
        super().__init__()
        H = d_model
        log_dt = torch.rand(H) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)
        C = torch.randn(H, N // 2, dtype=torch.cfloat)
        self.C = nn.Parameter(torch.view_as_real(C))
        self.log_dt = nn.Parameter(log_dt)
        # The reference's init, then perturbed so that no two modes are alike (a fixture must exercise every number).
        log_A_real = torch.log(0.5 * torch.ones(H, N // 2)) + 0.3 * torch.randn(H, N // 2)
        A_imag = math.pi * torch.arange(N // 2).repeat(H, 1) + 0.2 * torch.randn(H, N // 2)
        self.log_A_real = nn.Parameter(log_A_real)
        self.A_imag = nn.Parameter(A_imag)

    def forward(self, L):
        dt = torch.exp(self.log_dt)
        C = torch.view_as_complex(self.C)
        A = -torch.exp(self.log_A_real) + 1j * self.A_imag
        dtA = A * dt.unsqueeze(-1)
        K = dtA.unsqueeze(-1) * torch.arange(L, device=A.device)
        C = C * (torch.exp(dtA) - 1.0) / A
        K = 2 * torch.einsum("hn, hnl -> hl", C, torch.exp(K)).real
        return K


class S4D(nn.Module):
    def __init__(self, d_model, d_state):
        super().__init__()
        self.h = d_model
        self.D = nn.Parameter(torch.randn(self.h))
        self.kernel = S4DKernel(self.h, N=d_state, dt_min=0.05, dt_max=0.5)
        self.activation = nn.GELU()
        self.output_linear = nn.Sequential(nn.Conv1d(self.h, 2 * self.h, kernel_size=1), nn.GLU(dim=-2))

    def forward(self, u):  # (B, H, L)
        L = u.size(-1)
        k = self.kernel(L=L)
        k_f = torch.fft.rfft(k, n=2 * L)
        u_f = torch.fft.rfft(u, n=2 * L)
        y = torch.fft.irfft(u_f * k_f, n=2 * L)[..., :L]
        y = y + u * self.D.unsqueeze(-1)
        y = self.activation(y)
        return self.output_linear(y)


class S4Model(nn.Module):
    def __init__(self, vocab, d_model, d_state, n_layers, labels):
        super().__init__()
        self.encoder = nn.Embedding(vocab, d_model)
        self.s4_layers = nn.ModuleList([S4D(d_model, d_state) for _ in range(n_layers)])
        self.norms = nn.ModuleList([nn.LayerNorm(d_model) for _ in range(n_layers)])
        self.decoder = nn.Linear(d_model, labels)
        with torch.no_grad():
            for n in self.norms:  # LayerNorm's affine parameters away from their init, so the import must read them
                n.weight.add_(0.1 * torch.randn_like(n.weight))
                n.bias.add_(0.1 * torch.randn_like(n.bias))

    def forward(self, tokens):
        x = self.encoder(tokens).transpose(-1, -2)  # (B, H, L)
        for layer, norm in zip(self.s4_layers, self.norms):
            z = layer(x)
            x = z + x
            x = norm(x.transpose(-1, -2)).transpose(-1, -2)
        return self.decoder(x.transpose(-1, -2)[:, -1])


# ---------------------------------------------------------------------------------------------------------------
# RetNet: torchscale 05a9628, the recurrent path (activate_recurrent), post-norm, no deepnorm, no MoE.


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6, elementwise_affine=True):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim)) if elementwise_affine else None

    def forward(self, x):
        out = (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x)
        return out * self.weight if self.weight is not None else out


def rotate_every_two(x):
    x1 = x[:, :, :, ::2]
    x2 = x[:, :, :, 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def theta_shift(x, sin, cos):
    return (x * cos) + (rotate_every_two(x) * sin)


class MultiScaleRetention(nn.Module):
    def __init__(self, embed_dim, value_dim, num_heads, eps):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = value_dim // num_heads
        self.key_dim = embed_dim // num_heads
        self.scaling = self.key_dim**-0.5
        self.q_proj = nn.Linear(embed_dim, embed_dim, bias=False)
        self.k_proj = nn.Linear(embed_dim, embed_dim, bias=False)
        self.v_proj = nn.Linear(embed_dim, value_dim, bias=False)
        self.g_proj = nn.Linear(embed_dim, value_dim, bias=False)
        self.out_proj = nn.Linear(value_dim, embed_dim, bias=False)
        self.group_norm = RMSNorm(self.head_dim, eps=eps, elementwise_affine=False)

    def recurrent_forward(self, qr, kr, v, decay, incremental_state):
        bsz = v.size(0)
        v = v.view(bsz, self.num_heads, self.head_dim, 1)
        kv = kr * v
        if "prev_key_value" in incremental_state:
            prev_kv = incremental_state["prev_key_value"]
            prev_scale = incremental_state["scale"]
            scale = prev_scale * decay + 1
            kv = prev_kv * (prev_scale.sqrt() * decay / scale.sqrt()).view(self.num_heads, 1, 1) + kv / scale.sqrt().view(
                self.num_heads, 1, 1
            )
        else:
            scale = torch.ones_like(decay)
        incremental_state["prev_key_value"] = kv
        incremental_state["scale"] = scale
        return torch.sum(qr * kv, dim=3)

    def forward(self, x, rel_pos, incremental_state):
        bsz, tgt_len, _ = x.size()
        (sin, cos), inner_mask = rel_pos
        q = self.q_proj(x)
        k = self.k_proj(x)
        v = self.v_proj(x)
        g = self.g_proj(x)
        k *= self.scaling
        q = q.view(bsz, tgt_len, self.num_heads, self.key_dim).transpose(1, 2)
        k = k.view(bsz, tgt_len, self.num_heads, self.key_dim).transpose(1, 2)
        qr = theta_shift(q, sin, cos)
        kr = theta_shift(k, sin, cos)
        output = self.recurrent_forward(qr, kr, v, inner_mask, incremental_state)
        output = self.group_norm(output).reshape(bsz, tgt_len, self.head_dim * self.num_heads)
        output = F.silu(g) * output
        return self.out_proj(output)


class GLU(nn.Module):
    def __init__(self, embed_dim, ffn_dim):
        super().__init__()
        self.fc1 = nn.Linear(embed_dim, ffn_dim, bias=False)
        self.fc2 = nn.Linear(ffn_dim, embed_dim, bias=False)
        self.gate = nn.Linear(embed_dim, ffn_dim, bias=False)

    def forward(self, x):
        g = self.gate(x)
        x = self.fc1(x)
        # The reference's x.float() would compute a float64 model's GELU in float32; kept for float32 only (the same).
        x = F.gelu(x) * g
        return self.fc2(x)


class DecoderLayer(nn.Module):
    def __init__(self, d, v, heads, ffn, eps):
        super().__init__()
        self.retention = MultiScaleRetention(d, v, heads, eps)
        self.retention_layer_norm = RMSNorm(d, eps=eps)
        self.ffn = GLU(d, ffn)
        self.final_layer_norm = RMSNorm(d, eps=eps)
        with torch.no_grad():
            self.retention_layer_norm.weight.add_(0.1 * torch.randn(d))
            self.final_layer_norm.weight.add_(0.1 * torch.randn(d))

    def forward(self, x, incremental_state, rel_pos):
        residual = x
        x = self.retention(x, rel_pos, incremental_state)
        x = residual + x
        x = self.retention_layer_norm(x)
        residual = x
        x = self.ffn(x)
        x = residual + x
        return self.final_layer_norm(x)


class RetNetRelPos(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        angle = 1.0 / (10000 ** torch.linspace(0, 1, d // heads // 2))
        angle = angle.unsqueeze(-1).repeat(1, 2).flatten()
        decay = torch.log(1 - 2 ** (-5 - torch.arange(heads, dtype=torch.float)))
        self.register_buffer("angle", angle)
        self.register_buffer("decay", decay)

    def forward(self, slen):
        sin = torch.sin(self.angle * (slen - 1))
        cos = torch.cos(self.angle * (slen - 1))
        return (sin, cos), self.decay.exp()


class RetNet(nn.Module):
    def __init__(self, vocab, d, v, heads, ffn, n_layers, labels, eps):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList([DecoderLayer(d, v, heads, ffn, eps) for _ in range(n_layers)])
        self.retnet_rel_pos = RetNetRelPos(d, heads)
        self.output_projection = nn.Linear(d, labels, bias=False)

    def forward(self, tokens):
        state = [{} for _ in self.layers]
        for t in range(tokens.size(1)):
            x = self.embed_tokens(tokens[:, t : t + 1])
            rel = self.retnet_rel_pos(t + 1)
            for layer, s in zip(self.layers, state):
                x = layer(x, s, rel)
        return self.output_projection(x[:, -1])


# ---------------------------------------------------------------------------------------------------------------


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    builders = {
        "s4d": (lambda: S4Model(len(VOCAB), 3, 4, 2, len(LABELS)), {"d_model": 3, "d_state": 4, "eps": 1e-5}),
        "retnet": (
            lambda: RetNet(len(VOCAB), 4, 4, 2, 6, 2, len(LABELS), 1e-6),
            {"heads": 2, "value_dim": 4, "ffn_dim": 6, "eps": 1e-6},
        ),
    }
    for name, (build, settings) in builders.items():
        for dtype, suffix in [(torch.float32, ""), (torch.float64, ".f64")]:
            torch.manual_seed(15)
            model = build().to(dtype).eval()
            with torch.no_grad():
                logits = [model(torch.tensor([x])).squeeze(0).tolist() for x in INPUTS]
            file = f"{name}{suffix}.pt"
            torch.save(model.state_dict(), os.path.join(OUT, file))
            expected[file] = {
                "vocab": VOCAB,
                "labels": LABELS,
                "settings": settings,
                "dtype": "float32" if dtype == torch.float32 else "float64",
                "runs": [{"input": x, "logits": l} for x, l in zip(INPUTS, logits)],
            }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
