"""Writes the explicit list-mask fixtures with real Keras 3.15.1 (numpy backend): functional models whose merge layer
is called with an explicit symbolic mask per input (`Attention()([q, v], mask=[qm, vm])`, issue 18).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_list_mask_fixtures.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/list-masks)

Keras 3.15's merge layers (Concatenate, Add, ...) take no `mask` argument in their call (`mask=[...]` raises
"got an unexpected keyword argument 'mask'"; their masks come only from the inputs' own masks), so the list calls
with an explicit mask list are the attention layers'. Cases: Attention with bool model inputs as query and value
masks, then a masked GlobalAveragePooling1D (the output carries the query mask); AdditiveAttention over
[query, value, key] with mask=[None, value_mask] (a null entry in the list).
For each: OUTDIR/<case>.keras (weights set to seeded normal values) and, in OUTDIR/reference.json, the inputs (name,
dtype, shape, values; batch 3), Keras's prediction and the merge layer's inbound node as Keras wrote it.
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "list-masks")


def attention_masks():
    q = keras.Input((4, 3), name="query")
    v = keras.Input((5, 3), name="value")
    qm = keras.Input((4,), dtype="bool", name="query_mask")
    vm = keras.Input((5,), dtype="bool", name="value_mask")
    x = layers.Dense(3, name="dense_q")(q)
    y = layers.Attention(use_scale=True, name="merge")([x, v], mask=[qm, vm])
    return keras.Model([q, v, qm, vm], layers.GlobalAveragePooling1D(name="pool")(y)), "merge"


def additive_value_mask():
    q = keras.Input((4, 3), name="query")
    v = keras.Input((5, 3), name="value")
    k = keras.Input((5, 3), name="key")
    vm = keras.Input((5,), dtype="bool", name="value_mask")
    y = layers.AdditiveAttention(name="merge")([q, v, k], mask=[None, vm])
    return keras.Model([q, v, k, vm], layers.Dense(2, name="head")(y)), "merge"


CASES = {f.__name__: f for f in (attention_masks, additive_value_mask)}


def value(inp, rng):
    shape = (3,) + tuple(inp.shape[1:])
    if inp.dtype == "bool":
        x = rng.random(shape) < 0.5
        x[:, 0] = True     # every row keeps a step
        return x
    return rng.normal(0, 1, shape).astype("float32")


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, factory) in enumerate(CASES.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(4000 + i)
        model, merge_layer = factory()
        model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
        xs = [value(inp, rng) for inp in model.inputs]
        ys = model.predict(xs, verbose=0)
        if not isinstance(ys, (list, tuple)):
            ys = [ys]
        model.save(os.path.join(OUT, name + ".keras"))
        reloaded = keras.saving.load_model(os.path.join(OUT, name + ".keras"))
        again = reloaded.predict(xs, verbose=0)
        assert np.allclose(np.asarray(again), np.asarray(ys[0]), atol=1e-6), "Keras's reload predicts differently"
        node = next(l for l in model.get_config()["layers"] if l["name"] == merge_layer)["inbound_nodes"][0]
        reference["cases"][name] = {
            "inputs": [{"name": inp.name, "dtype": inp.dtype, "shape": list(x.shape),
                        "values": x.astype("float32").ravel().tolist() if x.dtype == bool else x.ravel().tolist()}
                       for inp, x in zip(model.inputs, xs)],
            "outputs": [{"shape": list(np.shape(y)), "values": np.asarray(y).ravel().tolist()} for y in ys],
            "merge_layer": merge_layer,
            "merge_node": node,
            "count_params": int(model.count_params()),
        }
        print(f"{name:20s} inputs={[tuple(x.shape) for x in xs]} outputs={[np.shape(y) for y in ys]} node={json.dumps(node)}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


if __name__ == "__main__":
    main()
