"""Cross-checks the conv fixtures with Keras 3.11.3 on the torch backend (real torch kernels).

usage: /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/check_conv_fixtures_torch.py [DIR]
       (DIR defaults to tests/KerasFormat.Tests/Fixtures/conv)

Keras 3.11.3 cannot read 3.15.1's initializer configs (`input_axes`), so each case's layer is made from
its recorded config without the initializers (`from_config`), put in `Sequential([Input, layer])`, given
the recorded weights, and predicts the recorded `x`; compared with the recorded `y` (Keras 3.15.1).
Prints one line per case and the largest difference. Known difference, not a fixture error: Keras's torch
backend pads a strided `same` Conv*Transpose with an odd kernel and an even stride (or with output_padding)
symmetrically plus torch's output_padding, which shifts the output by one position from the TensorFlow/JAX
result (Keras warns "You might experience inconsistencies across backends"); the fixtures follow
TensorFlow/JAX, as the numpy backend does. Exits 1 on any other mismatch.

Result recorded (2026-12-06, 54 cases): 49 agree (max |diff| 9.5e-07); 4 differ by that known inconsistency
(conv1d_transpose_same_k3_s2, conv2d_transpose_same_k3_s2, conv2d_transpose_output_padding,
conv2d_transpose_k5_s3_same_output_padding); depthwise_conv2d_strides_and_dilation not checked (3.11.3 refuses
strides > 1 with dilation > 1 for DepthwiseConv, allowed since 3.12).
"""
import json
import os
import sys
import warnings

import numpy as np

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "conv")


def main():
    with open(os.path.join(DIR, "reference.json")) as f:
        reference = json.load(f)
    bad = ok = 0
    for name, case in reference["cases"].items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            config = {k: v for k, v in case["config"].items() if not k.endswith("_initializer")}
            try:
                layer = getattr(keras.layers, case["class_name"]).from_config(config)
            except (TypeError, ValueError) as e:
                # DepthwiseConv strides > 1 with dilation > 1: allowed since 3.12, refused by 3.11.3
                print(f"{name:45s} not checked: Keras {keras.__version__} refuses the config: {str(e).splitlines()[-1]}")
                continue
            model = keras.Sequential([keras.Input(shape=tuple(case["input_shape"])), layer])
            model.set_weights([np.reshape(np.asarray(w["values"], dtype="float32"), w["shape"]) for w in case["weights"]])
            y = np.asarray(keras.ops.convert_to_numpy(model(np.asarray(case["x"], dtype="float32"))))
        inconsistent = any("inconsistencies across backends" in str(w.message) for w in caught)
        expected = np.asarray(case["y"], dtype="float32")
        if y.shape != expected.shape:
            status, diff = f"SHAPE {y.shape} != {expected.shape}", float("inf")
        else:
            diff = float(np.max(np.abs(y - expected)))
            status = "ok" if diff <= 1e-4 * (1 + float(np.max(np.abs(expected)))) else "DIFFERS"
        if status != "ok" and inconsistent:
            status += " (torch backend warned: inconsistent across backends; expected)"
        elif status != "ok":
            bad += 1
        else:
            ok += 1
        print(f"{name:45s} max|diff|={diff:.2e} {status}")
    print(f"keras {keras.__version__} ({keras.backend.backend()}): {ok} of {len(reference['cases'])} agree, {bad} differ unexpectedly")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
