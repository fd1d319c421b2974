"""Pooling for the keras-oracle's numpy backend: Keras 3's numpy backend pools with jax.lax.reduce_window, which the
oracle only stubs. install(keras) gives keras.src.backend.numpy.nn a numpy reduce_window with XLA's semantics ("SAME":
total padding max((ceil(n/s) - 1) * s + k - n, 0), half rounded down before, filled with the init value) and lax.add /
lax.max, so Keras's own max_pool / average_pool code runs unchanged around it.
"""
import importlib

import numpy as np


class _NumpyLax:
    """What keras.src.backend.numpy.nn needs of jax.lax for pooling, in numpy."""

    add = staticmethod(np.add)
    max = staticmethod(np.maximum)

    @staticmethod
    def reduce_window(x, init, fn, window, strides, padding):
        x = np.asarray(x)
        window, strides = tuple(window), tuple(strides)
        if padding == "SAME":
            pads = []
            for n, k, s in zip(x.shape, window, strides):
                total = max((-(-n // s) - 1) * s + k - n, 0)
                pads.append((total // 2, total - total // 2))
        else:
            pads = [(0, 0)] * x.ndim
        xp = np.pad(x, pads, constant_values=init)
        out_shape = [(xp.shape[i] - window[i]) // strides[i] + 1 for i in range(x.ndim)]
        result = np.full(out_shape, init, dtype=x.dtype)
        for offset in np.ndindex(*window):
            sl = tuple(slice(o, o + s * (m - 1) + 1, s) for o, s, m in zip(offset, strides, out_shape))
            result = fn(result, xp[sl])
        return result


def install(keras):
    """Replaces the jax stub's lax in the numpy backend's nn module (no-op on other backends)."""
    if keras.backend.backend() == "numpy":
        importlib.import_module("keras.src.backend.numpy.nn").lax = _NumpyLax
