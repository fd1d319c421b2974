"""Writes the merge-layer and several-inputs/outputs fixtures with real Keras.

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_multiio_fixtures.py [OUTDIR]
           Keras 3.15.1 (numpy backend): the merge-layer models (merge_<case>.keras) and the 2-input/2-output
           model compiled with a list of losses, loss weights and per-output metrics (two_in_two_out.keras);
           OUTDIR/reference.json gets, per file, the inputs, Keras's predictions and the model config.
       /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_multiio_fixtures.py --train [OUTDIR]
           Keras 3.11.3 (torch backend): loads two_in_two_out.keras, builds the same model, loads the file's weights (3.11.3 cannot read 3.15.1's
           configs), runs one train_on_batch on fixed data and
           writes OUTDIR/train_step.json (the batch, the logs, every weight after the step), which LayerGen's test
           repeats from the same file. (fit does not run on the numpy backend.) The same for two_in_two_out_dict.keras
           (compiled with dictionaries of losses, loss weights and metrics): one fit epoch of one batch with
           validation_data given as dictionaries, and the error Keras raises for class_weight with dictionary targets,
           into OUTDIR/fit_dict.json.
       /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_multiio_fixtures.py --check DIR
           loads every .keras file LayerGen wrote into DIR (the reverse direction) and compares its predictions
           with DIR/<name>.json ({"x": [...], "y": [...]}); prints one line per file.
OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/multiio.
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = ARGS[0] if ARGS else os.path.join(HERE, "..", "Fixtures", "multiio")


def seeded_weights(model, seed):
    rng = np.random.default_rng(seed)
    for w in model.weights:
        w.assign(rng.normal(0, 0.5, size=w.shape).astype("float32"))


# name -> (input shapes without batch, layer factory)
MERGES = {
    "add": ([(3,), (3,)], lambda: layers.Add()),
    "add_three": ([(2, 3), (2, 3), (2, 3)], lambda: layers.Add()),
    "add_broadcast": ([(2, 3), (1, 3)], lambda: layers.Add()),
    "add_ranks": ([(3,), (2, 3)], lambda: layers.Add()),
    "subtract": ([(4,), (4,)], lambda: layers.Subtract()),
    "multiply": ([(4,), (4,)], lambda: layers.Multiply()),
    "average": ([(4,), (4,), (4,)], lambda: layers.Average()),
    "maximum": ([(2, 3), (2, 3)], lambda: layers.Maximum()),
    "minimum": ([(2, 3), (2, 3)], lambda: layers.Minimum()),
    "concatenate": ([(2, 3), (2, 4)], lambda: layers.Concatenate()),
    "concatenate_axis1": ([(2, 3), (5, 3)], lambda: layers.Concatenate(axis=1)),
    "dot_axes1": ([(4,), (4,)], lambda: layers.Dot(axes=1)),
    "dot_pair": ([(2, 3), (3, 4)], lambda: layers.Dot(axes=(2, 1))),
    "dot_normalize": ([(3, 4), (2, 4)], lambda: layers.Dot(axes=-1, normalize=True)),
}


def write_merges(reference):
    rng = np.random.default_rng(7)
    for name, (shapes, factory) in MERGES.items():
        keras.utils.clear_session()
        inputs = [keras.Input(s, name=f"in_{i}") for i, s in enumerate(shapes)]
        merged = factory()(inputs)
        model = keras.Model(inputs, merged, name=name)
        xs = [rng.normal(size=(2,) + s).astype("float32") for s in shapes]
        y = model.predict(xs, verbose=0)
        path = os.path.join(OUT, f"merge_{name}.keras")
        model.save(path)
        reference[f"merge_{name}"] = {
            "x": [x.tolist() for x in xs],
            "x_shapes": [list(x.shape) for x in xs],
            "y": [np.asarray(y).tolist()],
            "y_shape": [list(np.asarray(y).shape)],
            "layer_config": model.layers[-1].get_config(),
            "build_config": model.layers[-1].get_build_config(),
        }


def two_in_two_out():
    a = keras.Input((4,), name="in_a")
    b = keras.Input((3,), name="in_b")
    ha = layers.Dense(5, activation="relu", name="dense")(a)
    hb = layers.Dense(5, activation="tanh", name="dense_b")(b)
    joined = layers.Concatenate(name="concatenate")([ha, hb])
    summed = layers.Add(name="add")([ha, hb])
    out1 = layers.Dense(2, name="dense_1")(joined)
    out2 = layers.Dense(3, activation="softmax", name="dense_2")(summed)
    model = keras.Model([a, b], [out1, out2], name="two_in_two_out")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=["mse", "categorical_crossentropy"],
        loss_weights=[1.0, 0.5],
        metrics=[["mae"], ["accuracy"]],
    )
    return model


def two_in_two_out_dict():
    """The same graph compiled with dictionaries keyed by output name (Keras writes them back as dictionaries)."""
    a = keras.Input((4,), name="in_a")
    b = keras.Input((3,), name="in_b")
    ha = layers.Dense(5, activation="relu", name="dense")(a)
    hb = layers.Dense(5, activation="tanh", name="dense_b")(b)
    joined = layers.Concatenate(name="concatenate")([ha, hb])
    summed = layers.Add(name="add")([ha, hb])
    out1 = layers.Dense(2, name="out_reg")(joined)
    out2 = layers.Dense(3, activation="softmax", name="out_cls")(summed)
    model = keras.Model([a, b], [out1, out2], name="two_in_two_out_dict")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.5),
        loss={"out_cls": "categorical_crossentropy", "out_reg": "mse"},
        loss_weights={"out_reg": 2.0, "out_cls": 0.5},
        metrics={"out_reg": ["mae"], "out_cls": ["accuracy"]},
    )
    return model


def batch():
    rng = np.random.default_rng(11)
    xa = rng.normal(size=(6, 4)).astype("float32")
    xb = rng.normal(size=(6, 3)).astype("float32")
    y1 = rng.normal(size=(6, 2)).astype("float32")
    y2 = np.eye(3, dtype="float32")[rng.integers(0, 3, size=6)]
    return xa, xb, y1, y2


def write_two_in_two_out(reference):
    keras.utils.clear_session()
    model = two_in_two_out()
    seeded_weights(model, 3)
    xa, xb, _, _ = batch()
    y1, y2 = model.predict([xa, xb], verbose=0)
    path = os.path.join(OUT, "two_in_two_out.keras")
    model.save(path)
    reference["two_in_two_out"] = {
        "x": [xa.tolist(), xb.tolist()],
        "y": [y1.tolist(), y2.tolist()],
        "compile_config": model.get_compile_config(),
    }


def write_two_in_two_out_dict(reference):
    keras.utils.clear_session()
    model = two_in_two_out_dict()
    seeded_weights(model, 4)
    xa, xb, _, _ = batch()
    y1, y2 = model.predict({"in_a": xa, "in_b": xb}, verbose=0)
    model.save(os.path.join(OUT, "two_in_two_out_dict.keras"))
    reference["two_in_two_out_dict"] = {
        "x": [xa.tolist(), xb.tolist()],
        "y": [y1.tolist(), y2.tolist()],
        "compile_config": model.get_compile_config(),
    }


def fit_dict():
    model = two_in_two_out_dict()
    model.load_weights(os.path.join(OUT, "two_in_two_out_dict.keras"))
    xa, xb, y1, y2 = batch()
    rng = np.random.default_rng(12)
    va = rng.normal(size=(4, 4)).astype("float32")
    vb = rng.normal(size=(4, 3)).astype("float32")
    v1 = rng.normal(size=(4, 2)).astype("float32")
    v2 = np.eye(3, dtype="float32")[rng.integers(0, 3, size=4)]
    x = {"in_a": xa, "in_b": xb}
    y = {"out_reg": y1, "out_cls": y2}
    try:
        model.fit(x, y, class_weight={0: 1.0, 1: 2.0}, epochs=1, verbose=0)
        class_weight_error = None
    except ValueError as e:
        class_weight_error = str(e)
    history = model.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0,
                        validation_data=({"in_a": va, "in_b": vb}, {"out_reg": v1, "out_cls": v2}))
    return {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "x": [xa.tolist(), xb.tolist()],
        "y": [y1.tolist(), y2.tolist()],
        "validation_x": [va.tolist(), vb.tolist()],
        "validation_y": [v1.tolist(), v2.tolist()],
        "logs": {k: float(v[-1]) for k, v in history.history.items()},
        "class_weight_error": class_weight_error,
        "weights": {w.path: np.asarray(w.numpy()).tolist() for w in model.weights},
    }


def train_step():
    # Keras 3.11.3 cannot read 3.15.1's configs (Dense's quantization_config): same model, same weights from the file.
    model = two_in_two_out()
    model.load_weights(os.path.join(OUT, "two_in_two_out.keras"))
    xa, xb, y1, y2 = batch()
    logs = model.train_on_batch([xa, xb], [y1, y2], return_dict=True)
    return {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "x": [xa.tolist(), xb.tolist()],
        "y": [y1.tolist(), y2.tolist()],
        "logs": {k: float(v) for k, v in logs.items()},
        "weights": {w.path: np.asarray(w.numpy()).tolist() for w in model.weights},
    }


def check(directory):
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".keras"):
            continue
        stem = name[:-6]
        expected = json.load(open(os.path.join(directory, stem + ".json")))
        model = keras.models.load_model(os.path.join(directory, name))
        xs = [np.asarray(x, dtype="float32") for x in expected["x"]]
        y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = y if isinstance(y, (list, tuple)) else [y]
        diff = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b, dtype="float32")))) for a, b in zip(ys, expected["y"]))
        compiled = getattr(model, "compiled", False)
        extra = ""
        if compiled:
            cc = model.get_compile_config()
            extra = f", {len(model.loss)} losses, loss_weights={cc.get('loss_weights')}, metrics={cc.get('metrics')}"
        print(f"{name}: loaded by Keras {keras.__version__}, max |diff| {diff:.2e}, compiled={compiled}{extra}")


if __name__ == "__main__":
    if "--check" in sys.argv:
        check(OUT)
    elif "--train" in sys.argv:
        result = train_step()
        with open(os.path.join(OUT, "train_step.json"), "w") as f:
            json.dump(result, f, indent=1)
        print("logs", result["logs"])
        result = fit_dict()
        with open(os.path.join(OUT, "fit_dict.json"), "w") as f:
            json.dump(result, f, indent=1)
        print("fit (dict)", result["logs"], "class_weight:", result["class_weight_error"])
    else:
        os.makedirs(OUT, exist_ok=True)
        reference = {"keras": keras.__version__, "backend": keras.backend.backend()}
        write_merges(reference)
        write_two_in_two_out(reference)
        write_two_in_two_out_dict(reference)
        with open(os.path.join(OUT, "reference.json"), "w") as f:
            json.dump(reference, f, indent=1)
        print("wrote", len(reference) - 2, "models to", OUT)
