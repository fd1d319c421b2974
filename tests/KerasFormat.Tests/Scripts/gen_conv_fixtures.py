"""Writes the convolution-layer fixtures with real Keras 3.15.1 (numpy backend).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_conv_fixtures.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/conv)
       /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_conv_fixtures.py [OUTDIR]
       (Keras 3.11.3 on torch, TORCH_CASES only; OUTDIR defaults to Fixtures/conv-keras-3.11.3-torch)

For each case: `Sequential([Input(shape), layer])`, weights set to seeded normal values (so the bias is
not zero), saved as OUTDIR/<case>.keras; OUTDIR/reference.json gets, per case, the input `x` (batch 2),
Keras's prediction `y`, the layer's `get_config()`, its weights (name, path, shape, values), `count_params()` and the
model's output shape. The numpy backend computes convolutions with jax.lax, which the oracle only stubs:
numpy_lax_conv.py supplies the XLA primitives and the rest is Keras's own code. The predictions are
checked against Keras 3.11.3 on torch by check_conv_fixtures_torch.py. WEIGHTS_CASES also get
<case>.weights.h5 (model.save_weights). On the torch backend (Keras 3.11.3, which writes its own config forms:
initializers without input_axes, Conv*Transpose without output_padding) only TORCH_CASES are written: one or
two per layer class, none of the strided "same" Conv*Transpose cases on which Keras's torch backend differs
from TensorFlow/JAX, nor DepthwiseConv with strides and dilation (refused before Keras 3.12), nor
output_padding (Keras 3.11.3 leaves it out of the config, so its own files lose it on loading).
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_lax_conv  # noqa: E402

numpy_lax_conv.install()

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH = keras.backend.backend() == "torch"
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "conv-keras-3.11.3-torch" if TORCH else "conv")

# name -> (input shape without batch, layer factory)
CASES = {
    # Conv1D
    "conv1d_basic": ((7, 2), lambda: layers.Conv1D(3, 3)),
    "conv1d_same_strides2": ((7, 2), lambda: layers.Conv1D(3, 3, strides=2, padding="same", activation="relu")),
    "conv1d_causal_dilation2": ((8, 2), lambda: layers.Conv1D(2, 3, padding="causal", dilation_rate=2)),
    "conv1d_channels_first": ((2, 7), lambda: layers.Conv1D(3, 2, data_format="channels_first", padding="same")),
    "conv1d_groups2_nobias": ((6, 4), lambda: layers.Conv1D(6, 2, groups=2, use_bias=False)),
    # Conv2D
    "conv2d_basic": ((5, 5, 2), lambda: layers.Conv2D(3, 3, activation="relu")),
    "conv2d_same_strides2": ((6, 6, 2), lambda: layers.Conv2D(3, 3, strides=2, padding="same")),
    "conv2d_same_even_kernel": ((5, 4, 2), lambda: layers.Conv2D(2, (2, 4), padding="same")),
    "conv2d_dilation2": ((7, 6, 2), lambda: layers.Conv2D(2, 3, dilation_rate=(2, 1))),
    "conv2d_strides_2_1": ((7, 6, 2), lambda: layers.Conv2D(2, (3, 2), strides=(2, 1), activation="tanh")),
    "conv2d_channels_first": ((2, 5, 4), lambda: layers.Conv2D(3, 2, data_format="channels_first", strides=2, padding="same")),
    "conv2d_groups2": ((4, 4, 4), lambda: layers.Conv2D(4, 2, groups=2)),
    "conv2d_nobias": ((4, 4, 3), lambda: layers.Conv2D(2, 3, use_bias=False, padding="same")),
    # Conv3D
    "conv3d_basic": ((3, 4, 3, 2), lambda: layers.Conv3D(2, 2)),
    "conv3d_same_strides2": ((4, 3, 4, 2), lambda: layers.Conv3D(2, 3, strides=2, padding="same")),
    "conv3d_channels_first": ((2, 3, 3, 4), lambda: layers.Conv3D(2, (2, 2, 3), data_format="channels_first")),
    # Conv1DTranspose
    "conv1d_transpose_basic": ((4, 2), lambda: layers.Conv1DTranspose(3, 3)),
    "conv1d_transpose_strides2": ((4, 2), lambda: layers.Conv1DTranspose(2, 3, strides=2)),
    "conv1d_transpose_same_k4_s2": ((4, 2), lambda: layers.Conv1DTranspose(2, 4, strides=2, padding="same")),
    "conv1d_transpose_same_k3_s2": ((4, 2), lambda: layers.Conv1DTranspose(2, 3, strides=2, padding="same")),
    "conv1d_transpose_output_padding": ((4, 2), lambda: layers.Conv1DTranspose(2, 3, strides=3, output_padding=1)),
    "conv1d_transpose_dilation2": ((5, 2), lambda: layers.Conv1DTranspose(2, 2, dilation_rate=2, padding="same")),
    "conv1d_transpose_channels_first": ((2, 4), lambda: layers.Conv1DTranspose(3, 2, strides=2, data_format="channels_first")),
    # Conv2DTranspose
    "conv2d_transpose_basic": ((3, 3, 2), lambda: layers.Conv2DTranspose(2, 2, strides=2, activation="relu")),
    "conv2d_transpose_same_k3_s2": ((3, 4, 2), lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same")),
    "conv2d_transpose_same_k4_s2": ((3, 3, 2), lambda: layers.Conv2DTranspose(2, 4, strides=2, padding="same")),
    "conv2d_transpose_valid_k3_s1": ((3, 3, 2), lambda: layers.Conv2DTranspose(2, 3)),
    "conv2d_transpose_output_padding": ((3, 3, 2), lambda: layers.Conv2DTranspose(2, 3, strides=(2, 3), padding="same", output_padding=(1, 0))),
    "conv2d_transpose_channels_first": ((2, 3, 3), lambda: layers.Conv2DTranspose(2, (2, 3), strides=(2, 1), data_format="channels_first")),
    "conv2d_transpose_dilation2": ((3, 3, 2), lambda: layers.Conv2DTranspose(2, 2, dilation_rate=2)),
    # Conv3DTranspose
    "conv3d_transpose_basic": ((2, 2, 2, 2), lambda: layers.Conv3DTranspose(2, 2, strides=2)),
    "conv3d_transpose_same": ((2, 3, 2, 2), lambda: layers.Conv3DTranspose(2, 3, padding="same")),
    "conv3d_transpose_channels_first": ((2, 2, 2, 3), lambda: layers.Conv3DTranspose(2, 2, strides=(1, 2, 1), data_format="channels_first")),
    # DepthwiseConv1D
    "depthwise_conv1d_basic": ((6, 3), lambda: layers.DepthwiseConv1D(3)),
    "depthwise_conv1d_multiplier2_same_s2": ((7, 3), lambda: layers.DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2)),
    "depthwise_conv1d_dilation2": ((8, 2), lambda: layers.DepthwiseConv1D(2, dilation_rate=2, activation="relu")),
    "depthwise_conv1d_channels_first": ((3, 6), lambda: layers.DepthwiseConv1D(2, data_format="channels_first", depth_multiplier=2)),
    # DepthwiseConv2D
    "depthwise_conv2d_basic": ((5, 5, 3), lambda: layers.DepthwiseConv2D(3)),
    "depthwise_conv2d_multiplier2_same_s2": ((6, 5, 2), lambda: layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)),
    "depthwise_conv2d_strides_and_dilation": ((9, 9, 2), lambda: layers.DepthwiseConv2D(2, strides=2, dilation_rate=2)),
    "depthwise_conv2d_channels_first": ((2, 5, 4), lambda: layers.DepthwiseConv2D((2, 3), data_format="channels_first", use_bias=False)),
    # SeparableConv1D
    "separable_conv1d_basic": ((6, 3), lambda: layers.SeparableConv1D(4, 3)),
    "separable_conv1d_multiplier2_same_s2": ((7, 2), lambda: layers.SeparableConv1D(3, 3, strides=2, padding="same", depth_multiplier=2)),
    "separable_conv1d_channels_first": ((2, 6), lambda: layers.SeparableConv1D(3, 2, data_format="channels_first", dilation_rate=2)),
    # SeparableConv2D
    "separable_conv2d_basic": ((5, 5, 2), lambda: layers.SeparableConv2D(3, 3, activation="relu")),
    "separable_conv2d_multiplier2_same_s2": ((6, 5, 3), lambda: layers.SeparableConv2D(2, 3, strides=2, padding="same", depth_multiplier=2)),
    "separable_conv2d_channels_first": ((2, 5, 5), lambda: layers.SeparableConv2D(3, (3, 2), data_format="channels_first", use_bias=False)),
    # more corners (appended: a case's seed is its index, so earlier cases keep their values)
    "conv1d_causal_channels_first": ((2, 7), lambda: layers.Conv1D(2, 3, padding="causal", data_format="channels_first")),
    "conv1d_transpose_k1_s2_same": ((4, 2), lambda: layers.Conv1DTranspose(2, 1, strides=2, padding="same")),
    "conv2d_transpose_k5_s3_same_output_padding": ((2, 3, 2), lambda: layers.Conv2DTranspose(2, 5, strides=3, padding="same", output_padding=(2, 1))),
    "conv2d_transpose_dilation2_same": ((4, 4, 2), lambda: layers.Conv2DTranspose(2, 3, dilation_rate=2, padding="same")),
    "conv3d_groups2_dilation": ((3, 5, 3, 4), lambda: layers.Conv3D(4, 2, groups=2, dilation_rate=(1, 2, 1))),
    "depthwise_conv2d_dilation_same": ((5, 4, 2), lambda: layers.DepthwiseConv2D((3, 2), dilation_rate=(2, 1), padding="same")),
    "separable_conv2d_dilation2": ((6, 6, 2), lambda: layers.SeparableConv2D(2, 2, dilation_rate=2, activation="sigmoid")),
}

WEIGHTS_CASES = {
    "conv1d_causal_dilation2", "conv2d_groups2", "conv3d_same_strides2", "conv1d_transpose_output_padding",
    "conv2d_transpose_same_k3_s2", "conv3d_transpose_channels_first", "depthwise_conv1d_multiplier2_same_s2",
    "depthwise_conv2d_channels_first", "separable_conv1d_basic", "separable_conv2d_multiplier2_same_s2",
}

TORCH_CASES = {
    "conv1d_causal_dilation2", "conv1d_channels_first", "conv2d_same_strides2", "conv2d_groups2", "conv3d_basic",
    "conv1d_transpose_strides2", "conv2d_transpose_same_k4_s2", "conv2d_transpose_channels_first",
    "conv3d_transpose_basic", "depthwise_conv1d_multiplier2_same_s2", "depthwise_conv2d_channels_first",
    "separable_conv1d_channels_first", "separable_conv2d_multiplier2_same_s2",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, (shape, factory)) in enumerate(CASES.items()):
        if TORCH and name not in TORCH_CASES:
            continue
        keras.backend.clear_session()
        rng = np.random.default_rng(1000 + i)
        layer = factory()
        model = keras.Sequential([keras.Input(shape=shape), layer], name=name)
        model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
        x = rng.normal(0, 1, (2,) + shape).astype("float32")
        y = np.asarray(model.predict(x, verbose=0))
        model.save(os.path.join(OUT, name + ".keras"))
        if name in WEIGHTS_CASES and not TORCH:
            model.save_weights(os.path.join(OUT, name + ".weights.h5"))
        reference["cases"][name] = {
            "class_name": type(layer).__name__,
            "input_shape": list(shape),
            "output_shape": list(model.output_shape[1:]),
            "count_params": int(model.count_params()),
            "config": layer.get_config(),
            "weights": [{"name": w.name, "path": w.path, "shape": list(w.shape),
                         "values": np.asarray(keras.ops.convert_to_numpy(w)).ravel().tolist()} for w in layer.weights],
            "x": x.tolist(),
            "y": y.tolist(),
        }
        print(f"{name:45s} {type(layer).__name__:18s} {str(shape):16s} -> {model.output_shape} params={model.count_params()}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


if __name__ == "__main__":
    main()
