"""Writes the normalization/activation/noise fixtures: one small .keras model per layer variant, written by real
Keras, and reference.json with each model's input and Keras's (inference) prediction. Two runs:

    D=tests/KerasFormat.Tests/Fixtures/morelayers
    /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_morelayers_fixtures.py write $D
    /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_morelayers_fixtures.py predict $D

The first (Keras 3.15.1, numpy backend) builds and saves the models and records the predictions; layers with
weights get random weights (so gamma/beta/alpha are not their initial values) and the adapted Normalization layers
are adapted on random data, so their saved mean/variance/count are Keras's own statistics. The second run (Keras
3.11.3, torch backend) loads the same files and records how far torch's predictions are ("torch_max_abs_diff").
The noise layers (GaussianNoise, GaussianDropout, AlphaDropout) are the identity at inference; the tests check
their training statistics separately. tests/KerasFormat.Tests/MoreLayersFixtureTests.cs reads the files.
"""
import json
import os
import sys

import numpy as np
import keras
from keras import layers as L

mode, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

rng = np.random.default_rng(18)
ADAPT = rng.standard_normal((20, 3, 4)).astype("float32") * 3 + 1


# The oracle has no tensorflow; Normalization.adapt asks isinstance(data, tf.data.Dataset) before it treats a list
# of arrays as batches, so give its module a stand-in Dataset class nothing is an instance of.
import types  # noqa: E402
import keras.src.layers.preprocessing.normalization as _normalization  # noqa: E402

_normalization.tf = types.SimpleNamespace(data=types.SimpleNamespace(Dataset=type("NoDataset", (), {})))


def adapted(layer, data):
    layer.adapt(data)
    return layer


# name -> (layer factory, input shape without the batch axis)
CASES = {
    "groupnorm": (lambda: L.GroupNormalization(groups=2), (5, 4)),
    "groupnorm_axis1": (lambda: L.GroupNormalization(groups=3, axis=1, epsilon=1e-2), (6, 2, 2)),
    "groupnorm_instance": (lambda: L.GroupNormalization(groups=-1, center=False), (3, 3)),
    "groupnorm_noscale": (lambda: L.GroupNormalization(groups=1, scale=False), (2, 3, 4)),
    "unitnorm": (lambda: L.UnitNormalization(), (3, 4)),
    "unitnorm_axes": (lambda: L.UnitNormalization(axis=[1, 2]), (3, 4)),
    "rescaling": (lambda: L.Rescaling(1.0 / 255), (3,)),
    "rescaling_offset": (lambda: L.Rescaling(1.0 / 127.5, offset=-1), (2, 3)),
    "norm_values": (lambda: L.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 0.25]), (2, 3)),
    "norm_scalar": (lambda: L.Normalization(mean=3.0, variance=2.0), (4,)),
    "norm_invert_values": (lambda: L.Normalization(mean=[0.5, -1.0], variance=[2.0, 3.0], invert=True), (2,)),
    "norm_adapt": (lambda: adapted(L.Normalization(), ADAPT), (3, 4)),
    "norm_adapt_axis_none": (lambda: adapted(L.Normalization(axis=None), ADAPT), (3, 4)),
    "norm_adapt_axes": (lambda: adapted(L.Normalization(axis=(1, 2)), ADAPT), (3, 4)),
    "norm_adapt_invert": (lambda: adapted(L.Normalization(axis=1, invert=True), ADAPT), (3, 4)),
    "norm_adapt_batches": (lambda: adapted(L.Normalization(), [ADAPT[:7], ADAPT[7:13], ADAPT[13:]]), (3, 4)),
    "relu": (lambda: L.ReLU(), (5,)),
    "relu_max": (lambda: L.ReLU(max_value=0.5), (5,)),
    "relu6": (lambda: L.ReLU(max_value=6.0), (5,)),
    "relu_all": (lambda: L.ReLU(max_value=1.2, negative_slope=0.1, threshold=0.3), (6,)),
    "relu_slope": (lambda: L.ReLU(negative_slope=0.2), (6,)),
    "relu_threshold": (lambda: L.ReLU(threshold=0.5), (6,)),
    "leaky_relu": (lambda: L.LeakyReLU(), (5,)),
    "leaky_relu_01": (lambda: L.LeakyReLU(negative_slope=0.1), (5,)),
    "prelu": (lambda: L.PReLU(), (3, 4)),
    "prelu_shared": (lambda: L.PReLU(shared_axes=[1, 2]), (2, 3, 4)),
    "prelu_init": (lambda: L.PReLU(alpha_initializer=keras.initializers.Constant(0.25), shared_axes=1), (3, 2)),
    "elu": (lambda: L.ELU(), (5,)),
    "elu_alpha": (lambda: L.ELU(alpha=0.5), (5,)),
    "softmax": (lambda: L.Softmax(), (5,)),
    "softmax_axis1": (lambda: L.Softmax(axis=1), (3, 4)),
    "softmax_axes": (lambda: L.Softmax(axis=(1, 2)), (3, 4)),
    "gaussian_noise": (lambda: L.GaussianNoise(0.3, seed=3), (4,)),
    "gaussian_dropout": (lambda: L.GaussianDropout(0.4, seed=2), (4,)),
    "alpha_dropout": (lambda: L.AlphaDropout(0.2, noise_shape=(None, 1), seed=1), (3,)),
    "activity_reg": (lambda: L.ActivityRegularization(l1=0.01, l2=0.02), (4,)),
}

ref_path = os.path.join(out, "reference.json")

if mode == "predict":
    with open(ref_path) as f:
        reference = json.load(f)
    reference["torch_keras_version"] = keras.__version__
    for case in reference["cases"]:
        try:
            model = keras.saving.load_model(os.path.join(out, case["name"] + ".keras"))
            x = np.asarray(case["x"], dtype="float32").reshape(case["x_shape"])
            y = np.asarray(model.predict(x, verbose=0))
            diff = float(np.max(np.abs(y.ravel() - np.asarray(case["y"])))) if y.size else 0.0
        except Exception as e:  # Keras 3.11 may not know a layer or argument
            print("torch could not check", case["name"], type(e).__name__, str(e)[:200])
            diff = None
        case["torch_max_abs_diff"] = diff
        if diff is not None and diff > 1e-5:
            print("torch differs:", case["name"], diff)
    with open(ref_path, "w") as f:
        json.dump(reference, f)
    print(len(reference["cases"]), "cases compared with torch")
    sys.exit(0)

reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": [],
             "adapt_data": ADAPT.ravel().tolist(), "adapt_shape": list(ADAPT.shape),
             "adapt_batches": [7, 13]}  # norm_adapt_batches: ADAPT[:7], ADAPT[7:13], ADAPT[13:]


def record(name, model, shape, x=None):
    for w in model.weights:  # random trainable weights, so loading them is checked
        if w.trainable:
            w.assign(rng.uniform(0.2, 1.5, size=tuple(w.shape)).astype("float32"))
    if x is None:
        x = rng.standard_normal((2,) + tuple(shape)).astype("float32") * 2
    y = np.asarray(model.predict(x, verbose=0))
    model.save(os.path.join(out, name + ".keras"))
    case = {"name": name, "x_shape": list(x.shape), "x": x.ravel().tolist(),
            "y_shape": list(y.shape), "y": y.ravel().tolist()}
    reference["cases"].append(case)
    return case


for name, (make, shape) in CASES.items():
    layer = make()
    case = record(name, keras.Sequential([keras.Input(shape), layer], name=name), shape)
    if name.startswith("norm_adapt"):
        case["adapt_mean"] = np.asarray(layer.adapt_mean).ravel().tolist()
        case["adapt_variance"] = np.asarray(layer.adapt_variance).ravel().tolist()
        case["count"] = int(np.asarray(layer.count))

# Softmax with a mask: a functional model passing a boolean mask built from a second input.
x_in = keras.Input((2, 4))
m_in = keras.Input((2, 4))
sm = L.Softmax()(x_in, mask=keras.ops.greater(m_in, 0.0))
model = keras.Model([x_in, m_in], sm)
xs = rng.standard_normal((2, 2, 4)).astype("float32")
ms = np.array([[[1, 1, 0, 1], [0, 0, 0, 0]], [[1, 0, 0, 0], [1, 1, 1, 1]]], dtype="float32")
ys = np.asarray(model.predict([xs, ms], verbose=0))
reference["masked_softmax"] = {"x": xs.ravel().tolist(), "mask": ms.ravel().tolist(), "shape": list(xs.shape),
                               "y": ys.ravel().tolist()}

# A functional chain of several of the layers.
inp = keras.Input((4, 6))
h = L.Rescaling(0.5, offset=0.1)(inp)
h = L.GroupNormalization(groups=3)(h)
h = L.PReLU(shared_axes=[1])(h)
h = L.GaussianNoise(0.1)(h)
h = L.ReLU(max_value=2.0, negative_slope=0.05)(h)
h = L.UnitNormalization()(h)
h = L.Softmax(axis=1)(h)
record("functional_chain", keras.Model(inp, L.ActivityRegularization(l2=0.1)(h)), (4, 6))

with open(ref_path, "w") as f:
    json.dump(reference, f)
print(len(reference["cases"]), "cases written to", out)
