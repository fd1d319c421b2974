"""numpy stand-ins for the three jax.lax convolution primitives Keras's numpy backend calls.

The keras-oracle's numpy backend imports jax only as a stub, so Keras 3.15.1's `ops.conv`,
`ops.depthwise_conv`, `ops.separable_conv` and `ops.conv_transpose` (keras/src/backend/numpy/nn.py) raise.
Everything else in those functions is Keras's own code: the dimension numbers, the padding arguments
(`compute_conv_transpose_padding_args_for_jax`), the depthwise kernel reshape, the grouping. `install()`
puts these stand-ins where that module looks them up, so the fixtures run Keras's code path with only
the XLA primitive replaced:

  conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                       dimension_numbers, feature_group_count)
      lhs dilated by lhs_dilation (s-1 zeros between elements), padded (lo, hi) per spatial axis
      (negative = cropped), correlated with rhs dilated by rhs_dilation, stepping window_strides;
      channels split into feature_group_count groups.
  conv_transpose(lhs, rhs, strides, padding, rhs_dilation, dimension_numbers, transpose_kernel)
      conv_general_dilated with lhs_dilation=strides, window strides 1; with transpose_kernel the
      kernel is flipped spatially and its I/O axes swapped (jax.lax.conv_transpose).

Computed in float64, returned as the input dtype. gen_conv_fixtures.py cross-checks the result
against Keras 3.11.3 on the torch backend (real torch kernels) with check_conv_fixtures_torch.py.
"""
import collections

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ConvDimensionNumbers = collections.namedtuple("ConvDimensionNumbers", ["lhs_spec", "rhs_spec", "out_spec"])


def _same_pads(in_sizes, k_sizes, strides):
    pads = []
    for n, k, s in zip(in_sizes, k_sizes, strides):
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                         dimension_numbers=None, feature_group_count=1, **_):
    dtype = np.asarray(lhs).dtype
    lhs = np.asarray(lhs, dtype=np.float64)
    rhs = np.asarray(rhs, dtype=np.float64)
    r = lhs.ndim - 2
    dn = dimension_numbers
    x = np.transpose(lhs, dn.lhs_spec)  # (N, C, *S)
    w = np.transpose(rhs, dn.rhs_spec)  # (O, I, *K)
    lhs_dilation = tuple(lhs_dilation or (1,) * r)
    rhs_dilation = tuple(rhs_dilation or (1,) * r)
    window_strides = tuple(window_strides)
    # dilate the input
    if any(d > 1 for d in lhs_dilation):
        shape = list(x.shape[:2]) + [(n - 1) * d + 1 for n, d in zip(x.shape[2:], lhs_dilation)]
        xd = np.zeros(shape)
        xd[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in lhs_dilation)] = x
        x = xd
    # dilate the kernel
    if any(d > 1 for d in rhs_dilation):
        shape = list(w.shape[:2]) + [(k - 1) * d + 1 for k, d in zip(w.shape[2:], rhs_dilation)]
        wd = np.zeros(shape)
        wd[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in rhs_dilation)] = w
        w = wd
    ks = w.shape[2:]
    if isinstance(padding, str):
        pads = [(0, 0)] * r if padding.upper() == "VALID" else _same_pads(x.shape[2:], ks, window_strides)
    else:
        pads = [tuple(p) for p in padding]
    # pad (negative pads crop)
    for i, (lo, hi) in enumerate(pads):
        axis = 2 + i
        if lo < 0:
            x = np.take(x, range(-lo, x.shape[axis]), axis=axis)
            lo = 0
        if hi < 0:
            x = np.take(x, range(0, x.shape[axis] + hi), axis=axis)
            hi = 0
        widths = [(0, 0)] * x.ndim
        widths[axis] = (lo, hi)
        x = np.pad(x, widths)
    win = sliding_window_view(x, ks, axis=tuple(range(2, 2 + r)))  # (N, C, *out_full, *K)
    win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in window_strides)]
    n, c = x.shape[:2]
    o = w.shape[0]
    g = feature_group_count
    cg, og = c // g, o // g
    outs = []
    letters = "xyz"[:r]
    for gi in range(g):
        xw = win[:, gi * cg:(gi + 1) * cg]
        wg = w[gi * og:(gi + 1) * og]
        outs.append(np.einsum(f"nc...{letters},oc{letters}->no...", xw, wg))
    y = np.concatenate(outs, axis=1)  # (N, O, *out)
    inverse = np.argsort(dn.out_spec)
    return np.transpose(y, inverse).astype(dtype)


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel=False, **_):
    dn = dimension_numbers
    rhs = np.asarray(rhs)
    r = rhs.ndim - 2
    if transpose_kernel:
        rhs = np.flip(rhs, axis=tuple(dn.rhs_spec[2:]))
        rhs = np.swapaxes(rhs, dn.rhs_spec[0], dn.rhs_spec[1])
    if isinstance(padding, str):
        raise NotImplementedError("string padding for conv_transpose (Keras passes explicit pairs)")
    return conv_general_dilated(lhs, rhs, (1,) * r, padding, lhs_dilation=tuple(strides),
                                rhs_dilation=rhs_dilation, dimension_numbers=dn)


class _Lax:
    ConvDimensionNumbers = ConvDimensionNumbers
    conv_general_dilated = staticmethod(conv_general_dilated)
    conv_transpose = staticmethod(conv_transpose)


class _Jax:
    lax = _Lax


def install():
    """Makes keras/src/backend/numpy/nn.py use these stand-ins (numpy backend only)."""
    import keras
    if keras.backend.backend() != "numpy":
        return
    from keras.src.backend.numpy import nn
    nn.lax = _Lax
    nn.jax = _Jax
