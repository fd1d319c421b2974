"""Shared driver of the train-step-torch-* fixtures (gen_train_step_seq.py, gen_train_step_attn.py).

For each case: a functional model with seeded trainable weights is saved as OUTDIR/<case>.keras BEFORE any training.
Then, for each optimizer, the saved file is loaded again (so both optimizers start from the same weights), compiled
with that optimizer and mean squared error, and trained with `train_on_batch` on the same batch: once with
SGD(learning_rate=0.1), twice with Adam(learning_rate=0.01) (the second step continues Adam's slots).
reference.json records per case: inputs (shape, dtype, values), targets, and per optimizer the loss of every step (its own: metrics are reset before each step, as Keras 3.15 does),
the weights after the last step (model.weights order, paths included) and, for Adam, optimizer.variables
(iteration, learning_rate, then momentum/velocity per trainable weight, Keras's order).
"""
import json
import os

import numpy as np

import keras

BATCH = 3
OPTIMIZERS = {
    "sgd": (lambda: keras.optimizers.SGD(learning_rate=0.1), 1),
    "adam": (lambda: keras.optimizers.Adam(learning_rate=0.01), 2),
}


def _values(v):
    return np.asarray(keras.ops.convert_to_numpy(v)).astype("float64").ravel().tolist()


def make_input(rng, spec):
    """spec: (shape, dtype, kind) with kind 'normal', 'ids:<vocab>' (zero padding at the end of rows 0 and 1),
    'masked' (normal, trailing time steps of rows 0 and 1 all zero), 'binary' (0/1 floats, every row keeps a 1)."""
    shape, dtype, kind = spec
    full = (BATCH,) + tuple(shape)
    if kind.startswith("ids:"):
        x = rng.integers(1, int(kind[4:]), full).astype(dtype)
        x[0, 3:] = 0
        x[1, 1:] = 0
    elif kind == "masked":
        x = rng.normal(0, 1, full).astype(dtype)
        x[0, 3:] = 0
        x[1, 2:] = 0
    elif kind == "binary":
        x = (rng.random(full) < 0.6).astype(dtype)
        x[..., 0] = 1
    else:
        x = rng.normal(0, 1, full).astype(dtype)
    return x


def run(cases, out, seed, zero_gradient_suffixes=()):
    os.makedirs(out, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "batch": BATCH, "cases": {}}
    for i, (name, (specs, build)) in enumerate(cases.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(seed + i)
        inputs = [keras.Input(shape=s, dtype=d, name=f"in{j}") for j, (s, d, _) in enumerate(specs)]
        outputs = build(*inputs)
        model = keras.Model(inputs if len(inputs) > 1 else inputs[0], outputs, name=name)
        for w in model.trainable_weights:
            w.assign(rng.normal(0, 0.5, w.shape).astype("float32"))
        xs = [make_input(rng, s) for s in specs]
        y = rng.normal(0, 1, (BATCH,) + tuple(model.output_shape[1:])).astype("float32")
        path = os.path.join(out, name + ".keras")
        model.save(path)
        x_arg = xs if len(xs) > 1 else xs[0]
        entry = {
            "inputs": [{"shape": list(s), "dtype": d, "values": x.ravel().tolist()} for (s, d, _), x in zip(specs, xs)],
            "output_shape": list(model.output_shape[1:]), "y": y.ravel().tolist(), "optimizers": {},
            # Weights whose gradient is zero in exact arithmetic, so both sides hold float round-off there (a dot-product
            # attention's key bias: q.(k + b) adds q.b to every key's score, which the softmax over keys removes). SGD
            # moves them by ~1e-9; Adam divides the round-off by its own square root and moves them by up to
            # learning_rate per step in a direction neither side can reproduce, so for Adam only that bound is checked.
            "zero_gradient_weights": [w.path for w in model.weights if w.path.endswith(zero_gradient_suffixes)],
        }
        for opt_name, (make, steps) in OPTIMIZERS.items():
            keras.backend.clear_session()
            m = keras.models.load_model(path)
            m.compile(optimizer=make(), loss="mse")
            losses = []
            for _ in range(steps):
                # Keras 3.11.3's torch train_on_batch ignores reset_metrics (3.15 resets before the batch): without this
                # the second step reports the mean over both steps' losses instead of its own.
                m.reset_metrics()
                losses.append(float(np.asarray(m.train_on_batch(x_arg, y))))
            e = {"steps": steps, "losses": losses,
                 "weights_after": [{"path": w.path, "values": _values(w)} for w in m.weights]}
            if opt_name != "sgd":
                e["optimizer_variables"] = [{"path": v.path, "values": _values(v)} for v in m.optimizer.variables]
            entry["optimizers"][opt_name] = e
            print(f"{name:40s} {opt_name:5s} losses={['%.6f' % l for l in losses]}")
        reference["cases"][name] = entry
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
