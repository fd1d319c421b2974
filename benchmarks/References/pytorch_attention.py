"""PyTorch reference for AttentionBenchmarks.cs: nn.MultiheadAttention, self-attention, batch 32, sequence 128,
width 256, 8 heads, float32, 2 threads; forward, and forward + backward of the output's sum.

usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_attention.py
"""
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
mha = torch.nn.MultiheadAttention(256, 8, batch_first=True)
x = torch.randn(32, 128, 256)


def bench(fn, n=20, warm=3):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1e3, sum(times) / n * 1e3


def forward():
    with torch.no_grad():
        mha(x, x, x, need_weights=False)


def forward_backward():
    mha.zero_grad()
    y, _ = mha(x, x, x, need_weights=False)
    y.sum().backward()


print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
for name, fn in [("forward", forward), ("forward+backward", forward_backward)]:
    med, mean = bench(fn)
    print(f"{name:18s} median {med:8.2f} ms  mean {mean:8.2f} ms")
