"""Writes the pooling/reshaping fixtures: one small .keras model per layer variant, written by real Keras, and
reference.json with each model's input and Keras's prediction. Two runs:

    D=tests/KerasFormat.Tests/Fixtures/pool
    /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_pool_fixtures.py write $D
    /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_pool_fixtures.py predict $D

The first (Keras 3.15.1, numpy backend) builds and saves the models and records the numpy backend's predictions.
The numpy backend's max/average pooling calls jax.lax.reduce_window, which the oracle only stubs: this script gives
keras.src.backend.numpy.nn a small numpy reduce_window (XLA's semantics: "SAME" pads total = max((ceil(n/s) - 1) * s
+ k - n, 0), half rounded down before, with the init value) and lax.add / lax.max, so Keras's own pooling code runs
(its "same" average divides by a reduce_window of ones: padded cells are not counted). The second run (Keras 3.11.3,
torch backend) loads the same files and records how far torch's predictions are from them ("torch_max_abs_diff"):
Keras's torch backend pads uneven "same" pooling windows by replicating edge values, so its averages differ there.
tests/KerasFormat.Tests/PoolFixtureTests.cs loads every file with Model.Load and compares Predict with "y".
"""
import json
import os
import sys

import numpy as np
import keras
from keras import layers as L

mode, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
CF = "channels_first"

# name -> (layer, input shape without the batch axis)
CASES = {
    "max1d_valid": (lambda: L.MaxPooling1D(2), (6, 3)),
    "max1d_same_s1": (lambda: L.MaxPooling1D(3, strides=1, padding="same"), (5, 2)),
    "max1d_cf": (lambda: L.MaxPooling1D(2, data_format=CF), (3, 6)),
    "max2d_valid": (lambda: L.MaxPooling2D(), (5, 5, 2)),
    "max2d_same_strides": (lambda: L.MaxPooling2D((3, 2), strides=(2, 1), padding="same"), (5, 4, 2)),
    "max2d_cf_same": (lambda: L.MaxPooling2D(2, padding="same", data_format=CF), (2, 5, 5)),
    "max3d_valid": (lambda: L.MaxPooling3D(), (4, 4, 4, 2)),
    "max3d_same": (lambda: L.MaxPooling3D((2, 3, 2), strides=(1, 2, 2), padding="same"), (3, 5, 4, 1)),
    "max3d_cf": (lambda: L.MaxPooling3D(2, data_format=CF), (2, 4, 4, 4)),
    "avg1d_valid_s1": (lambda: L.AveragePooling1D(3, strides=1), (6, 2)),
    "avg1d_same": (lambda: L.AveragePooling1D(2, padding="same"), (5, 3)),
    "avg1d_cf": (lambda: L.AveragePooling1D(2, data_format=CF, padding="same"), (2, 5)),
    "avg2d_valid": (lambda: L.AveragePooling2D(2), (4, 6, 2)),
    "avg2d_same_strides": (lambda: L.AveragePooling2D((3, 3), strides=(2, 1), padding="same"), (5, 4, 2)),
    "avg2d_cf": (lambda: L.AveragePooling2D(2, padding="same", data_format=CF), (2, 3, 5)),
    "avg3d_valid": (lambda: L.AveragePooling3D(2), (4, 4, 2, 2)),
    "avg3d_same": (lambda: L.AveragePooling3D(3, strides=2, padding="same"), (3, 5, 4, 1)),
    "avg3d_cf": (lambda: L.AveragePooling3D((1, 2, 2), data_format=CF), (2, 3, 4, 4)),
    "gap1d": (lambda: L.GlobalAveragePooling1D(), (5, 3)),
    "gap1d_keep_cf": (lambda: L.GlobalAveragePooling1D(data_format=CF, keepdims=True), (3, 5)),
    "gap2d": (lambda: L.GlobalAveragePooling2D(), (3, 4, 2)),
    "gap2d_keep_cf": (lambda: L.GlobalAveragePooling2D(data_format=CF, keepdims=True), (2, 3, 4)),
    "gap3d": (lambda: L.GlobalAveragePooling3D(keepdims=True), (2, 3, 2, 2)),
    "gmp1d": (lambda: L.GlobalMaxPooling1D(), (5, 3)),
    "gmp1d_cf": (lambda: L.GlobalMaxPooling1D(data_format=CF), (3, 5)),
    "gmp2d_keep": (lambda: L.GlobalMaxPooling2D(keepdims=True), (3, 4, 2)),
    "gmp3d_cf": (lambda: L.GlobalMaxPooling3D(data_format=CF), (2, 3, 2, 2)),
    "flatten": (lambda: L.Flatten(), (3, 2, 4)),
    "flatten_cf": (lambda: L.Flatten(data_format=CF), (3, 2, 4)),
    "reshape_infer": (lambda: L.Reshape((4, -1)), (2, 6)),
    "reshape": (lambda: L.Reshape((3, 2, 2)), (12,)),
    "permute2": (lambda: L.Permute((2, 1)), (3, 4)),
    "permute3": (lambda: L.Permute((3, 1, 2)), (2, 3, 4)),
    "repeat_vector": (lambda: L.RepeatVector(3), (4,)),
    "zp1d": (lambda: L.ZeroPadding1D((1, 2)), (4, 2)),
    "zp1d_cf": (lambda: L.ZeroPadding1D(1, data_format=CF), (2, 4)),
    "zp2d": (lambda: L.ZeroPadding2D(((1, 0), (2, 1))), (3, 3, 2)),
    "zp2d_cf": (lambda: L.ZeroPadding2D(1, data_format=CF), (2, 3, 3)),
    "zp3d": (lambda: L.ZeroPadding3D(), (2, 2, 2, 1)),
    "zp3d_cf": (lambda: L.ZeroPadding3D(((1, 0), (0, 1), (2, 0)), data_format=CF), (1, 2, 2, 2)),
    "crop1d": (lambda: L.Cropping1D((1, 2)), (6, 2)),
    "crop2d": (lambda: L.Cropping2D(((1, 0), (1, 2))), (5, 6, 2)),
    "crop2d_cf": (lambda: L.Cropping2D(((1, 1), (0, 1)), data_format=CF), (2, 4, 5)),
    "crop3d": (lambda: L.Cropping3D(), (4, 4, 4, 1)),
    "crop3d_cf": (lambda: L.Cropping3D(((1, 0), (0, 1), (1, 1)), data_format=CF), (1, 3, 3, 4)),
    "up1d": (lambda: L.UpSampling1D(3), (3, 2)),
    "up2d": (lambda: L.UpSampling2D((2, 3)), (2, 3, 2)),
    "up2d_cf": (lambda: L.UpSampling2D(2, data_format=CF), (2, 2, 3)),
    "up2d_bilinear": (lambda: L.UpSampling2D(2, interpolation="bilinear"), (3, 4, 2)),
    "up2d_bilinear_32": (lambda: L.UpSampling2D((3, 2), interpolation="bilinear"), (2, 3, 1)),
    "up2d_bilinear_cf": (lambda: L.UpSampling2D((1, 3), data_format=CF, interpolation="bilinear"), (2, 3, 2)),
    "up3d": (lambda: L.UpSampling3D((1, 2, 2)), (2, 2, 2, 1)),
    "up3d_cf": (lambda: L.UpSampling3D(2, data_format=CF), (1, 2, 2, 2)),
    "sdrop1d": (lambda: L.SpatialDropout1D(0.3, seed=1), (4, 3)),
    "sdrop2d_cf": (lambda: L.SpatialDropout2D(0.5, data_format=CF), (2, 3, 3)),
    "sdrop3d": (lambda: L.SpatialDropout3D(0.2), (2, 2, 2, 3)),
}

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_lax_shim  # noqa: E402

numpy_lax_shim.install(keras)

rng = np.random.default_rng(16)
ref_path = os.path.join(out, "reference.json")

if mode == "predict":
    with open(ref_path) as f:
        reference = json.load(f)
    reference["torch_keras_version"] = keras.__version__
    for case in reference["cases"]:
        model = keras.saving.load_model(os.path.join(out, case["name"] + ".keras"))
        x = np.asarray(case["x"], dtype="float32").reshape(case["x_shape"])
        y = np.asarray(model.predict(x, verbose=0))
        assert list(y.shape) == case["y_shape"], (case["name"], y.shape, case["y_shape"])
        diff = float(np.max(np.abs(y.ravel() - np.asarray(case["y"])))) if y.size else 0.0
        case["torch_max_abs_diff"] = diff
        if diff > 1e-5:
            print("torch differs:", case["name"], diff)
    with open(ref_path, "w") as f:
        json.dump(reference, f)
    print(len(reference["cases"]), "cases compared with torch")
    sys.exit(0)

reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": []}

def record(name, model, shape):
    x = rng.standard_normal((2,) + tuple(shape)).astype("float32")
    y = np.asarray(model.predict(x, verbose=0))
    model.save(os.path.join(out, name + ".keras"))
    reference["cases"].append({"name": name, "x_shape": list(x.shape), "x": x.ravel().tolist(),
                               "y_shape": list(y.shape), "y": y.ravel().tolist()})

for name, (make, shape) in CASES.items():
    record(name, keras.Sequential([keras.Input(shape), make()], name=name), shape)

# A functional chain of several of the layers (a symbolic batch through each).
inp = keras.Input((6, 6, 3))
h = L.ZeroPadding2D(1)(inp)
h = L.AveragePooling2D(3, strides=2, padding="same")(h)
h = L.UpSampling2D(2, interpolation="bilinear")(h)
h = L.Cropping2D(((1, 1), (0, 2)))(h)
h = L.Flatten()(L.MaxPooling2D(2)(h))
h = L.Permute((2, 1))(L.RepeatVector(2)(h))
record("functional_chain", keras.Model(inp, L.GlobalAveragePooling1D()(h)), (6, 6, 3))

with open(ref_path, "w") as f:
    json.dump(reference, f)
print(len(reference["cases"]), "cases written to", out)
