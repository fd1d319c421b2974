"""Loads LayerGen's .keras files of the convolution layers in real Keras and compares the predictions.

usage:
  LAYERGEN_CONV_EXPORT_DIR=/tmp/lg-conv dotnet test tests/KerasFormat.Tests -c Release --filter ConvExportTests
  /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_layergen_conv_exports.py /tmp/lg-conv
  /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/check_layergen_conv_exports.py /tmp/lg-conv

The directory holds what ConvExportTests writes: lg_*.keras and lg_*.weights.h5 (models built from LayerGen's C#
constructors; the weights file is loaded into the loaded model after zeroing its weights) and resaved_*.keras (the Keras fixtures saved again by LayerGen), with layergen_predictions.json (inputs and
LayerGen's predictions). Each file is loaded with keras.saving.load_model, its prediction compared with
LayerGen's, and its weights' names and shapes printed against the file's. On the numpy backend the lax conv
primitives come from numpy_lax_conv.py (the oracle stubs jax). On Keras 3.11.3/torch the strided "same"
Conv*Transpose cases with an odd kernel and an even stride (or output_padding) differ by Keras's own backend inconsistency (Keras
warns); those are reported, not counted.

Result recorded when the layers were written (2026-12-06, 11 lg_* + 54 resaved_* files):
  Keras 3.15.1, numpy backend: 65 of 65 load; all predictions agree (max |diff| 4.8e-07); weight names and
    shapes as Keras's (kernel/bias, depthwise_kernel/pointwise_kernel/bias); the 11 lg_*.weights.h5 files load
    with keras's load_weights and give the same predictions.
  Keras 3.11.3, torch backend: none load: LayerGen writes Keras 3.15's initializer configs (GlorotUniform with
    input_axes/output_axes), which 3.11.3 refuses ("unexpected keyword argument 'input_axes'"), as it refuses
    the files Keras 3.15.1 writes itself.
"""
import json
import os
import sys
import warnings

import numpy as np

import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_lax_conv  # noqa: E402

numpy_lax_conv.install()


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "layergen_predictions.json")) as f:
        cases = json.load(f)["cases"]
    ok = bad = expected = unreadable = 0
    worst = 0.0
    for name, case in cases.items():
        path = os.path.join(directory, name + ".keras")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model = keras.saving.load_model(path)
            except Exception as e:  # noqa: BLE001 - report any loading failure
                print(f"{name:50s} NOT LOADED: {str(e).splitlines()[-1][:160]}")
                unreadable += 1
                continue
            y = np.asarray(keras.ops.convert_to_numpy(model(np.asarray(case["x"], dtype="float32"))))
        inconsistent = any("inconsistencies across backends" in str(w.message) for w in caught)
        want = np.asarray(case["y"], dtype="float32")
        layer = model.layers[-1]
        weights = ", ".join(f"{w.name}{tuple(w.shape)}" for w in layer.weights)
        if y.shape != want.shape:
            print(f"{name:50s} SHAPE keras {y.shape} layergen {want.shape}")
            bad += 1
            continue
        diff = float(np.max(np.abs(y - want)))
        if diff <= 1e-4 * (1 + float(np.max(np.abs(want)))):
            ok += 1
            worst = max(worst, diff)
            status = "ok"
        elif inconsistent:
            expected += 1
            status = "DIFFERS (torch backend warned: inconsistent across backends; expected)"
        else:
            bad += 1
            status = "DIFFERS"
        weights_file = os.path.join(directory, name + ".weights.h5")
        if os.path.exists(weights_file):
            # LayerGen's standalone weights file: zero the weights, load it, predict again
            model.set_weights([np.zeros(w.shape, dtype="float32") for w in model.weights])
            model.load_weights(weights_file)
            y2 = np.asarray(keras.ops.convert_to_numpy(model(np.asarray(case["x"], dtype="float32"))))
            wdiff = float(np.max(np.abs(y2 - want)))
            if wdiff <= 1e-4 * (1 + float(np.max(np.abs(want)))):
                status += ", .weights.h5 ok"
            else:
                status += f", .weights.h5 DIFFERS ({wdiff:.1e})"
                bad += 1
        print(f"{name:50s} {type(layer).__name__:18s} max|diff|={diff:.1e} {status}  [{weights}]")
    print(f"keras {keras.__version__} ({keras.backend.backend()}): {ok} of {len(cases)} agree (max |diff| {worst:.1e}), "
          f"{bad} differ, {expected} differ by Keras's torch-backend inconsistency, {unreadable} not loaded")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
