"""Writes the configs and outputs of the layer arguments issue 18 left over, with real Keras 3.15.1 (numpy backend).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_multiio_layer_configs.py [OUT.json]
OUT defaults to tests/KerasFormat.Tests/Fixtures/multiio/layer_configs.json: per case the layer config, the
build_config and, where there is one, an input and Keras's output:
  - Rescaling with per-channel lists, and with a numpy array (Keras writes a "__tensor__" object);
  - Normalization with nested-list mean/variance over two kept axes;
  - MultiHeadAttention called with a key whose last dimension differs from the value's (build_config key_shape),
    and without a key;
  - EinsumDense's kernel initializer: the fans Keras computes over the kernel's input and output axes (the initializer
    given to the layer stays as given in its config).
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "multiio", "layer_configs.json")

cases = {}
x = np.arange(12, dtype="float32").reshape(2, 2, 3)

r = layers.Rescaling(scale=[0.5, 0.25, 2.0], offset=[1.0, 0.0, -1.0])
cases["rescaling_lists"] = {"config": r.get_config(), "x": x.tolist(), "y": np.asarray(r(x)).tolist()}
r = layers.Rescaling(scale=np.array([0.5, 0.25, 2.0], dtype="float32"), offset=0.5)
cases["rescaling_array"] = {"config": r.get_config(), "x": x.tolist(), "y": np.asarray(r(x)).tolist()}

n = layers.Normalization(axis=(1, 2), mean=[[1.0, 2.0, 3.0], [0.0, 1.0, 2.0]], variance=[[1.0, 4.0, 9.0], [1.0, 1.0, 4.0]])
cases["normalization_nested"] = {"config": n.get_config(), "x": x.tolist(), "y": np.asarray(n(x)).tolist()}
n = layers.Normalization(axis=(1, 2), mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0])
cases["normalization_flat_two_axes"] = {"config": n.get_config(), "x": x.tolist(), "y": np.asarray(n(x)).tolist()}

q = keras.Input((4, 5), name="q")
v = keras.Input((6, 7), name="v")
k = keras.Input((6, 8), name="k")
mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha_key")
mha(q, v, k)
cases["mha_key"] = {"config": mha.get_config(), "build_config": mha.get_build_config(),
                    "key_kernel_shape": list(mha._key_dense.kernel.shape)}
mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha_no_key")
mha(q, v)
cases["mha_no_key"] = {"config": mha.get_config(), "build_config": mha.get_build_config()}

e = layers.EinsumDense("ab,bcd->acd", output_shape=(4, 5),
                       kernel_initializer=keras.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=1))
e.build((None, 64))
kernel = np.asarray(e.kernel)
cases["einsum_dense_fans"] = {"config": e.get_config(), "kernel_shape": list(kernel.shape),
                              "fans": list(keras.src.initializers.random_initializers.compute_fans(kernel.shape, [0], [1, 2])),
                              "limit": float(np.sqrt(3.0 / 64)), "max_abs": float(np.max(np.abs(kernel)))}

with open(OUT, "w") as f:
    json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "cases": cases}, f, indent=1)
print("wrote", len(cases), "cases to", OUT)
for name, c in cases.items():
    print(name, json.dumps({k: c[k] for k in c if k in ("build_config", "fans", "max_abs", "limit")}))
