#!/usr/bin/python3
"""The float32 tanh of src/Runtime/Ops/Kernels/TanhKernel.cs: fits its polynomial and checks the whole kernel.

    /usr/bin/python3 benchmarks/References/tanh_float32_fit.py [threshold=0.75] [coefficients=7] [stride=5]

Fits P in tanh(a) ~ a + a^3 P(a^2) on [0, threshold] (relative error, iteratively reweighted least squares towards
minimax), rounds the coefficients to float32, then simulates the kernel operation by operation in float32 (numpy
float32 arithmetic; a fused multiply-add as one float64 product-sum rounded once, exact for these operands but for
rare double roundings) on every `stride`-th float32 in [1e-4, 10] and prints the largest error against numpy's float64
tanh in float32 ulps, per range. The kernel's constants are the printed coefficients for the defaults.
"""
import math
import sys

import numpy as np

f = np.float32
T = float(sys.argv[1]) if len(sys.argv) > 1 else 0.75
NP = int(sys.argv[2]) if len(sys.argv) > 2 else 7
STRIDE = int(sys.argv[3]) if len(sys.argv) > 3 else 5

x = np.cos(np.linspace(0, np.pi, 6000)) * T / 2 + T / 2
x = x[x > 1e-3]
z = x * x
target = (np.tanh(x) - x) / x ** 3
w = x ** 3 / np.tanh(x)
A = np.stack([z ** k for k in range(NP)], 1)
c, *_ = np.linalg.lstsq(A * w[:, None], target * w, rcond=None)
for _ in range(40):
    r = (A @ c - target) * w
    ww = w * (np.abs(r) / np.abs(r).max() + 0.02) ** 0.5
    c, *_ = np.linalg.lstsq(A * ww[:, None], target * ww, rcond=None)
cf = [f(v) for v in c]
print("coefficients c0..c%d:" % (NP - 1), [float(v) for v in cf])


def fma(a, b, c):
    return (np.float64(a) * np.float64(b) + np.float64(c)).astype(np.float32)


LOG2E, LN2HI, LN2LO, MAGIC = f(1.4426950408889634), f(0.693359375), f(-2.12194440e-4), f(12582912.0)
EC = [f(1 / math.factorial(k)) for k in range(8)]


def exp32(y):
    shifted = (y * LOG2E) + MAGIC
    k = shifted - MAGIC
    r = fma(k, -LN2LO, fma(k, -LN2HI, y))
    p = EC[7]
    for j in range(6, -1, -1):
        p = fma(p, r, EC[j])
    scale = ((k.astype(np.int32) + 127) << 23).astype(np.int32).view(np.float32)
    return p * scale


def tanh32(x):
    a = np.abs(x).astype(np.float32)
    z = a * a
    p = cf[-1]
    for v in cf[-2::-1]:
        p = fma(p, z, v)
    poly = fma(a, z * p, a)
    e = exp32(np.minimum(a, f(9.5)) * f(-2))
    d = f(1) + e
    d_low = e - (d - f(1))
    q = (e + e) / d
    residual = fma(-q, d, e + e)
    correction = fma(-q, d_low, residual) * (f(1) - f(0.5) * q)
    high = f(1) - q
    low = (f(1) - high) - q
    return np.where(a < f(T), poly, high + (low - correction))


lo = np.array([1e-4], np.float32).view(np.int32)[0]
hi = np.array([10], np.float32).view(np.int32)[0]
xs = np.arange(lo, hi, STRIDE, dtype=np.int32).view(np.float32)
y = tanh32(xs).astype(np.float64)
exact = np.tanh(xs.astype(np.float64))
e32 = np.abs(exact).astype(np.float32)
ulp = (np.nextafter(e32, np.float32(np.inf)) - e32).astype(np.float64)
err = np.abs(y - exact) / ulp
print(f"threshold {T}: max error {err.max():.4f} ulp at x = {xs[np.argmax(err)]!r}, {(err > 1).sum()} of {len(xs)} above 1 ulp")
for a, b in [(0, 0.5), (0.5, T), (T, 2), (2, 4), (4, 10)]:
    m = (xs >= a) & (xs < b)
    if m.any():
        print(f"  [{a}, {b}): {err[m].max():.4f} ulp")
