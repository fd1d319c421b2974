"""PyTorch reference for AttentionTiming.cs / AttentionBenchmarks.cs: batch 32, sequence 128, width 256, 8 heads,
float32, 2 threads; forward (no_grad, eval) and forward + backward of the output's sum, median of runs.

- mha: nn.MultiheadAttention(256, 8, batch_first=True), self-attention.
- encoder: nn.TransformerEncoderLayer(256, 8, dim_feedforward=1024, dropout=0.0, batch_first=True) (post-norm, relu,
  layer_norm_eps 1e-5): LayerGen's equivalent block is in AttentionTiming.cs. Under no_grad in eval mode PyTorch
  takes its fused inference path for this layer.

usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_attention.py [runs]
"""
import sys
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
mha = torch.nn.MultiheadAttention(256, 8, batch_first=True)
encoder = torch.nn.TransformerEncoderLayer(256, 8, dim_feedforward=1024, dropout=0.0, batch_first=True)
x = torch.randn(32, 128, 256)


def bench(fn, n=runs, warm=2):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1e3


def mha_forward():
    with torch.no_grad():
        mha(x, x, x, need_weights=False)


def mha_forward_backward():
    mha.zero_grad()
    y, _ = mha(x, x, x, need_weights=False)
    y.sum().backward()


def encoder_forward():
    with torch.no_grad():
        encoder(x)


def encoder_forward_backward():
    encoder.zero_grad()
    encoder(x).sum().backward()


print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, median of {runs}")
for name, forward, backward, module in [("mha", mha_forward, mha_forward_backward, mha),
                                         ("encoder", encoder_forward, encoder_forward_backward, encoder)]:
    module.eval()
    f = bench(forward)
    module.train()
    b = bench(backward)
    print(f"{name:8s} forward {f:9.2f} ms   forward+backward {b:9.2f} ms")
