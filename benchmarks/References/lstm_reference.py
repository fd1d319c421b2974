#!/usr/bin/python3
"""PyTorch reference timings for issue 17's LSTM cases (benchmarks/LayerGen.AotBench --lstm on the LayerGen side).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/lstm_reference.py

torch.nn.LSTM (batch_first) for batch 64, 28 steps, 28 -> 128 units and batch 32, 100 steps, 256 -> 256 units:
forward (no_grad) and forward+backward (sum of the outputs, backward to the weights). Two threads. Median and
minimum per call over `samples` samples after warm-up. --quick: 3 samples; --small: only the batch 64 case; --gru:
torch.nn.GRU instead (LayerGen.AotBench --lstm --gru); --rnn: torch.nn.RNN with tanh (--lstm --rnn).
"""
import statistics
import sys
import time

import torch


def measure(fn, samples, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main():
    quick = "--quick" in sys.argv
    torch.set_num_threads(2)
    torch.manual_seed(1)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print("| case | median | min |")
    print("|---|---:|---:|")
    cases = [(64, 28, 28, 128)] if "--small" in sys.argv else [(64, 28, 28, 128), (32, 100, 256, 256)]
    for batch, steps, features, units in cases:
        kind = "GRU" if "--gru" in sys.argv else "SimpleRNN" if "--rnn" in sys.argv else "LSTM"
        lstm = {"GRU": torch.nn.GRU, "SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM}[kind](features, units, batch_first=True)
        x = torch.randn(batch, steps, features)
        big = units > 128

        def fwd():
            with torch.no_grad():
                return lstm(x)[0]

        def fwd_bwd():
            lstm.zero_grad()
            y = lstm(x)[0]
            y.sum().backward()

        name = f"{kind} b{batch} t{steps} {features}->{units}"
        for label, fn, samples in [("forward", fwd, 10 if big else 30), ("forward+backward", fwd_bwd, 6 if big else 20)]:
            t = measure(fn, 3 if quick else samples, 3)
            print(f"| {name} {label} | {statistics.median(t) * 1e3:.2f} ms | {min(t) * 1e3:.2f} ms |")


if __name__ == "__main__":
    main()
