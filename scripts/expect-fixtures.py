#!/usr/bin/python3
"""
Fixtures for `ccbound eval --expect`: PyTorch classifiers saved with torch.save(model.state_dict()), each with the
reference logits file written by the five lines docs/pytorch.md shows.

    /usr/bin/python3 scripts/expect-fixtures.py            # writes test/fixtures/expect/

- lstm.pt: Embedding -> LSTM -> Linear on the last step, the layout ccbound assumes; lstm.expect.json holds
  PyTorch's float32 logits on a few inputs. `ccbound eval lstm.pt --expect lstm.expect.json` is within 1e-5.
- mean-pooled.pt: the same modules, but the head reads the mean of the LSTM's outputs over the steps. Its state dict
  has exactly the tensors (names and shapes) of lstm.pt, so ccbound loads it without a word as a last-step classifier;
  mean-pooled.expect.json holds PyTorch's logits of the mean-pooled model, which `--expect` must refuse.

Needs torch (PyTorch 1.13 here). CI has no PyTorch: the tests read only the committed files this script wrote.
"""
import json
import os
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "expect")
VOCAB, D, HIDDEN, CLASSES = 6, 4, 5, 2
INPUTS = [[3], [0, 1, 2], [5, 4, 3, 2, 1], [1, 1, 1, 1, 1, 1, 1, 1], [2, 0, 5, 3, 4, 1, 0, 2, 2, 5, 1]]


class Classifier(nn.Module):
    def __init__(self, pool):
        super().__init__()
        self.pool = pool
        self.embedding = nn.Embedding(VOCAB, D)
        self.lstm = nn.LSTM(D, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, CLASSES)

    def forward(self, ids):  # ids: batch x length
        out, _ = self.lstm(self.embedding(ids))
        return self.fc(out.mean(dim=1) if self.pool == "mean" else out[:, -1])


def write(name, model):
    torch.save(model.state_dict(), os.path.join(OUT, f"{name}.pt"))
    # The five lines of docs/pytorch.md, as a user runs them:
    inputs = INPUTS
    with torch.no_grad():
        logits = [model(torch.tensor([x])).squeeze(0).tolist() for x in inputs]
    with open(os.path.join(OUT, f"{name}.expect.json"), "w") as f:
        json.dump({"inputs": inputs, "logits": logits, "source": f"torch {torch.__version__}"}, f, allow_nan=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(15)
    last = Classifier("last").eval()
    mean = Classifier("mean").eval()
    mean.load_state_dict(last.state_dict())  # the same tensors: only the forward pass differs
    assert list(last.state_dict()) == list(mean.state_dict())
    write("lstm", last)
    write("mean-pooled", mean)
    print(f"wrote {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
