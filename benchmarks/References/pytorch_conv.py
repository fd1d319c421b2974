#!/usr/bin/python3
"""PyTorch reference timings for issue 16's convolution targets (compare with ConvBenchmarks.cs).

Debian's python3-torch (PyTorch 1.13, MKLDNN available) on /usr/bin/python3, two threads, OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_conv.py

The same convolutions as LayerGen's ConvBenchmarks: the Fashion-MNIST convnet's two (batch 128, 28x28x1 -> 3x3x32
valid; 13x13x32 -> 3x3x64 valid) and a ResNet-style 3x3 (batch 32, 56x56, 64 -> 64, same), each forward
(F.conv2d), input gradient (torch.nn.grad.conv2d_input, what autograd runs) and kernel gradient
(torch.nn.grad.conv2d_weight). (torch.mm of the im2col GEMM's shapes runs at about 6 GFLOP/s in this build, so
LayerGen's own GEMM is the GEMM reference, in ConvBenchmarks.) PyTorch is NCHW (its
native layout: its channels_last is not faster here). Prints median and best per call and GFLOP/s
(2 * multiply-adds / median). Options: --quick.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SHAPES = [
    # name, batch, height, width, in channels, out channels, kernel, padding
    ("convnet1", 128, 28, 28, 1, 32, 3, 0),
    ("convnet2", 128, 13, 13, 32, 64, 3, 0),
    ("resnet3x3", 32, 56, 56, 64, 64, 3, 1),
]


def measure(fn, reps, samples, warmup=3):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        out.append((time.perf_counter() - t0) / reps)
    return out


def main():
    quick = "--quick" in sys.argv
    torch.set_num_threads(2)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, mkldnn {torch.backends.mkldnn.is_available()}")
    print(f"{'case':<12} {'pass':<16} {'median':>10} {'best':>10} {'GFLOP/s':>8}")
    with torch.no_grad():
        for name, n, h, w, cin, cout, k, pad in SHAPES:
            x = torch.randn(n, cin, h, w)
            wt = torch.randn(cout, cin, k, k)
            y = F.conv2d(x, wt, padding=pad)
            dy = torch.randn_like(y)
            oh, ow = y.shape[2], y.shape[3]
            macs = n * oh * ow * cout * cin * k * k
            cases = [
                ("forward", lambda: F.conv2d(x, wt, padding=pad)),
                ("backward-input", lambda: torch.nn.grad.conv2d_input(x.shape, wt, dy, padding=pad)),
                ("backward-filter", lambda: torch.nn.grad.conv2d_weight(x, wt.shape, dy, padding=pad)),
            ]
            for what, fn in cases:
                t = measure(fn, 2 if quick else 5, 3 if quick else 10)
                med = statistics.median(t)
                print(f"{name:<12} {what:<16} {med * 1e3:>8.3f}ms {min(t) * 1e3:>8.3f}ms {2 * macs / med / 1e9:>8.1f}")


if __name__ == "__main__":
    main()
