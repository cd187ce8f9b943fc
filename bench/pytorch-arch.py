"""PyTorch's CPU speed for the plain-PyTorch references of issue 17's new architectures, paired with bench/arch.ts.

Not run by `npm run bench` or CI (it needs PyTorch). Run with the system Python (PyTorch 1.13, Debian's python3-torch):
    /usr/bin/python3 bench/pytorch-arch.py [--quick] [--only mamba,gpt2,...] [--out FILE]

The models are the fixture scripts' own modules, imported from those files (not copied), so they are the ports those
scripts name:
  mamba             scripts/mamba-fixtures.py MambaClassifier: HF transformers modeling_mamba.py at 00328d4e,
                    MambaMixer.slow_forward without a cache (conv1d over the sequence, then the Python loop of the
                    scan), MambaRMSNorm, norm_f, a linear head on the last position; d_model 64, d_inner 128 (expand 2),
                    d_state 16, d_conv 4, dt_rank 4, one layer
  linear-attention  scripts/mamba-fixtures.py LinearClassifier: idiap/fast-transformers' RecurrentTransformerEncoderLayer
                    and RecurrentLinearAttention (elu + 1), run token by token as that recurrent module is; d 64, 4
                    heads of 16, d_ff 256, relu, one layer
  s4d               scripts/ssm-fixtures.py S4Model: state-spaces/s4 2ed46fc models/s4/s4d.py S4D (FFT convolution over
                    the whole sequence, GELU, Conv1d + GLU) in example.py's post-norm residual block; d_model 64,
                    d_state 4 (the width ccbound's random S4D layer has), one layer
  retnet            scripts/ssm-fixtures.py RetNet: microsoft/torchscale 05a9628 MultiScaleRetention.recurrent_forward,
                    GLU, RMSNorm, run token by token; d 64, value_dim 64, 2 heads, ffn 128, one layer (ccbound's
                    random layer's sizes; the fixture is post-norm, ccbound's random layer pre-norm: the same work)
  gpt2              scripts/gpt2-fixtures.py GPT2ForSequenceClassification: HF transformers modeling_gpt2.py at
                    c44b2d99 (eager _attn); one block, d 64, 4 heads, MLP 256, ln_f, 64 positions; its weights drawn
                    by that script's randomise (Conv1D's are torch.empty, uninitialised)
  torch-encoder     scripts/gpt2-fixtures.py EncoderClassifier: nn.TransformerEncoder (torch's own
                    nn.TransformerEncoderLayer, batch_first False, causal mask, so its Python path), one layer, d 64,
                    4 heads, dim_feedforward 256, relu, post-norm, final norm
Every model: vocabulary 4, 2 labels, float32, batch 1, tokens i & 3, torch.no_grad(), eval(), 1 thread
(torch.set_num_threads(1)). One call is the whole 64-token forward pass to the logits at the last position; the figure
is tokens per second = 64 x calls per second, median of 5 windows of about 0.4 s (0.1 s with --quick) after a warm-up.
"""
import argparse
import importlib.util
import json
import os
import statistics
import time

import torch

SEQ = 64
VOCAB, LABELS = 4, 2
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")


def load(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), os.path.join(SCRIPTS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def models():
    mamba = load("mamba-fixtures")
    ssm = load("ssm-fixtures")
    gpt2 = load("gpt2-fixtures")
    mamba.VOCAB, mamba.LABELS = VOCAB, LABELS  # the classifiers read these module globals

    def gpt2_model():
        # Conv1D's weights are torch.empty: drawn as the fixture script draws them (uniform in [-1, 1]).
        model = gpt2.GPT2ForSequenceClassification(VOCAB, SEQ, 64, 1, 4, 256, LABELS)
        gpt2.randomise(model, torch.Generator().manual_seed(1))
        return model

    return {
        "mamba": lambda: mamba.MambaClassifier(d=64, e=128, n=16, k=4, r=4, layers=1, eps=1e-5),
        "linear-attention": lambda: mamba.LinearClassifier(
            d=64, heads=4, ff=256, activation="relu", layers=1, final_norm=False
        ),
        "s4d": lambda: ssm.S4Model(VOCAB, 64, 4, 1, LABELS),
        "retnet": lambda: ssm.RetNet(VOCAB, 64, 64, 2, 128, 1, LABELS, 2**-10),
        "gpt2": gpt2_model,
        "torch-encoder": lambda: gpt2.EncoderClassifier(VOCAB, SEQ, 64, 1, 4, 256, LABELS, False, "relu", True),
    }


def tokens_for(name):
    ids = torch.tensor([i & 3 for i in range(SEQ)])
    # Mamba's and LinearClassifier's forward take one sequence (n,); S4Model, RetNet, GPT-2 and the encoder (1, n).
    return ids if name in ("mamba", "linear-attention") else ids.unsqueeze(0)


def rate(run, window):
    """Median tokens per second over 5 windows of about `window` seconds, after a warm-up of 3 calls and window / 2."""
    for _ in range(3):
        run()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < window / 2:
        run()
    rates = []
    for _ in range(5):
        calls, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < window:
            run()
            calls += 1
        rates.append(calls * SEQ / (time.perf_counter() - t0))
    return round(statistics.median(rates))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only")
    parser.add_argument("--out")
    args = parser.parse_args()
    window = 0.1 if args.quick else 0.4
    torch.set_num_threads(1)
    builders = models()
    names = args.only.split(",") if args.only else list(builders)
    result = {}
    with torch.no_grad():
        for name in names:
            torch.manual_seed(1)
            model = builders[name]().float().eval()
            ids = tokens_for(name)
            logits = model(ids).reshape(-1)
            assert logits.numel() == LABELS and torch.isfinite(logits).all(), (name, logits)
            result[name] = rate(lambda: model(ids), window)
    text = json.dumps({"bench": "pytorch-arch", "torch": torch.__version__, "threads": 1, "seq": SEQ, **result}) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
