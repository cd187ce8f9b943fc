"""PyTorch's CPU speed for the recurrent step that bench/forward.ts times, for the comparison in bench/README.md.

Not run by `npm run bench` or CI (it needs PyTorch). Run with the system Python:
    /usr/bin/python3 bench/pytorch-lstm.py [--quick] [--lstm64-only | --pair64] [--out bench/results/pytorch-lstm.json]
(--lstm64-only: just the LSTM at hidden 64, for pairing with `npx tsx bench/forward.ts --only lstm:64:float32`;
--pair64: LSTM and GRU at hidden 64, sequence mode, 1 thread, for pairing with
`npx tsx bench/forward.ts --only lstm:64:float32,gru:64:float32`.)

What is timed matches bench/forward.ts: batch 1, vocabulary 4, embedding width 16, one layer, float32, tokens
i & 3, inference (torch.no_grad). One "step" is one token through embedding + cell. Three ways of driving it:
  sequence  nn.Embedding + nn.LSTM over a 64-token sequence in one call (PyTorch's own C++ loop over steps: its best
            case for batch 1);
  cell      nn.Embedding + nn.LSTMCell called once per token from Python (what a step-at-a-time search would do);
each with 1 intra-op thread (torch.set_num_threads(1), as the Node benchmark uses one thread) and with PyTorch's
default thread count. Each figure is the median of 5 timing windows of about 0.4 s (0.1 s with --quick) after a
warm-up. Elman (nn.RNN, tanh) and GRU are timed in sequence mode with 1 thread for context.
"""
import argparse
import json
import platform
import statistics
import time

import torch

VOCAB, EMBED, SEQ = 4, 16, 64


def rate(run, steps_per_call, window):
    """Median steps per second over 5 windows of about `window` seconds, after a warm-up."""
    for _ in range(20):
        run()
    rates = []
    for _ in range(5):
        calls, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < window:
            run()
            calls += 1
        rates.append(calls * steps_per_call / (time.perf_counter() - t0))
    return round(statistics.median(rates))


def sequence_rate(cell, hidden, window):
    torch.manual_seed(1)
    embed = torch.nn.Embedding(VOCAB, EMBED)
    rnn = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](EMBED, hidden)
    tokens = torch.tensor([i & 3 for i in range(SEQ)]).unsqueeze(1)  # (seq, batch=1)

    def run():
        rnn(embed(tokens))

    return rate(run, SEQ, window)


def lstm_cell_rate(hidden, window):
    torch.manual_seed(1)
    embed = torch.nn.Embedding(VOCAB, EMBED)
    cell = torch.nn.LSTMCell(EMBED, hidden)
    tokens = [torch.tensor([i & 3]) for i in range(SEQ)]

    def run():
        h = torch.zeros(1, hidden)
        c = torch.zeros(1, hidden)
        for t in tokens:
            h, c = cell(embed(t), (h, c))

    return rate(run, SEQ, window)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--lstm64-only", action="store_true")
    parser.add_argument("--pair64", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    window = 0.1 if args.quick else 0.4
    default_threads = torch.get_num_threads()
    if args.pair64:
        torch.set_num_threads(1)
        with torch.no_grad():
            pair = {cell: sequence_rate(cell, 64, window) for cell in ("lstm", "gru")}
        text = json.dumps({"bench": "pytorch-pair64", "torch": torch.__version__, "threads": 1, **pair}) + "\n"
        if args.out:
            with open(args.out, "w") as f:
                f.write(text)
        print(text, end="")
        return
    lstm64 = []
    with torch.no_grad():
        for threads in sorted({1, default_threads}):
            torch.set_num_threads(threads)
            lstm64.append({"mode": "sequence", "threads": threads, "stepsPerSecond": sequence_rate("lstm", 64, window)})
            lstm64.append({"mode": "cell", "threads": threads, "stepsPerSecond": lstm_cell_rate(64, window)})
        torch.set_num_threads(1)
        cells = [
            {"cell": cell, "hidden": hidden, "stepsPerSecond": sequence_rate(cell, hidden, window)}
            for cell in ("elman", "lstm", "gru")
            for hidden in (16, 64, 256)
            if not args.lstm64_only
        ]
    result = {
        "bench": "pytorch-lstm",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
        "defaultThreads": default_threads,
        "quick": args.quick,
        "dtype": "float32",
        "lstmHidden64": lstm64,
        "sequenceOneThread": cells,
    }
    text = json.dumps(result, indent=2) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
