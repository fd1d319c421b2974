"""Writes functional models around Attention/AdditiveAttention (Keras's list call) and masked models (masks
from Embedding(mask_zero=True) through attention and merge layers) with real Keras 3.15.1 (numpy backend).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_attention_mask_fixtures.py [OUTDIR]
           OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/attention-masks. Writes OUTDIR/<name>.keras and
           OUTDIR/reference.json: per model the inputs (padded id rows for the masked ones) and Keras's predictions.
       /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_attention_mask_fixtures.py --check DIR
           loads every .keras file LayerGen wrote into DIR (the reverse direction: AttentionMaskFixtureTests with
           LAYERGEN_ATTENTION_MASK_EXPORT=DIR writes them with a copy of reference.json) and compares its predictions
           with Keras's in DIR/reference.json (csharp_<name> against <name>); prints one line per file.
Weights are seeded normal values (biases not zero).
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = ARGS[0] if ARGS else os.path.join(HERE, "..", "Fixtures", "attention-masks")


def seeded_weights(model, seed):
    rng = np.random.default_rng(seed)
    for w in model.weights:
        w.assign(rng.normal(0, 0.5, size=w.shape).astype("float32"))


def attention_list():
    """Attention/AdditiveAttention called on lists, with return_attention_scores and use_causal_mask."""
    q = keras.Input((4, 3), name="query")
    v = keras.Input((5, 3), name="value")
    k = keras.Input((5, 3), name="key")
    o1, s1 = layers.Attention(use_scale=True, name="att_dot")([q, v], return_attention_scores=True)
    o2 = layers.Attention(score_mode="concat", use_scale=True, name="att_concat")([q, v, k], use_causal_mask=True)
    o3 = layers.AdditiveAttention(name="add_att")([q, v, k])
    o4, s4 = layers.AdditiveAttention(use_scale=False, name="add_att_causal")([q, v], return_attention_scores=True, use_causal_mask=True)
    model = keras.Model([q, v, k], [o1, s1, o2, o3, o4, s4], name="attention_list")
    rng = np.random.default_rng(11)
    x = [rng.normal(0, 1, (2, 4, 3)).astype("float32"), rng.normal(0, 1, (2, 5, 3)).astype("float32"),
         rng.normal(0, 1, (2, 5, 3)).astype("float32")]
    return model, x


def ids(rng, batch, steps, pads):
    a = rng.integers(1, 10, (batch, steps)).astype("int32")
    for row, n in enumerate(pads):
        if n:
            a[row, -n:] = 0
    return a


def mha_masked():
    """Embedding(mask_zero=True) -> MultiHeadAttention self-attention -> GlobalAveragePooling1D, and with a residual Add."""
    t = keras.Input((6,), dtype="int32", name="ids")
    e = layers.Embedding(10, 8, mask_zero=True, name="embedding")(t)
    a = layers.MultiHeadAttention(2, 4, name="mha")(e, e)
    pooled = layers.GlobalAveragePooling1D(name="pool")(a)
    r = layers.Add(name="residual")([a, e])
    pooled2 = layers.GlobalAveragePooling1D(name="pool_residual")(r)
    model = keras.Model(t, [pooled, pooled2], name="mha_masked")
    rng = np.random.default_rng(12)
    return model, [ids(rng, 3, 6, [2, 0, 4])]


def merge_masks():
    """Masks through Concatenate (axis 1, with an unmasked input), Add/Multiply (OR of the masks) and Attention's implicit masks."""
    t1 = keras.Input((5,), dtype="int32", name="ids1")
    t2 = keras.Input((4,), dtype="int32", name="ids2")
    x = keras.Input((4, 6), name="dense_in")
    emb = layers.Embedding(10, 6, mask_zero=True, name="embedding")
    e1 = emb(t1)
    e2 = emb(t2)
    c = layers.Concatenate(axis=1, name="concat_time")([e1, e2])
    att = layers.Attention(name="att")([c, c])
    s = layers.Add(name="add")([att, c])
    out1 = layers.GlobalAveragePooling1D(name="pool1")(s)
    c2 = layers.Concatenate(axis=1, name="concat_unmasked")([e2, x])
    out2 = layers.GlobalAveragePooling1D(name="pool2")(c2)
    e1b = layers.Embedding(10, 6, mask_zero=True, name="embedding_b")(t1)
    m = layers.Multiply(name="mul")([e1, e1b])
    att2 = layers.AdditiveAttention(name="add_att")([m, e2])
    out3 = layers.GlobalAveragePooling1D(name="pool3")(att2)
    c3 = layers.Concatenate(name="concat_features")([e2, x])
    out4 = layers.GlobalAveragePooling1D(name="pool4")(c3)
    model = keras.Model([t1, t2, x], [out1, out2, out3, out4], name="merge_masks")
    rng = np.random.default_rng(13)
    return model, [ids(rng, 3, 5, [1, 3, 0]), ids(rng, 3, 4, [0, 2, 3]), rng.normal(0, 1, (3, 4, 6)).astype("float32")]


MODELS = {"attention_list": attention_list, "mha_masked": mha_masked, "merge_masks": merge_masks}


def tolist(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().astype(float).tolist()}


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "models": {}}
    for i, (name, factory) in enumerate(MODELS.items()):
        keras.utils.clear_session()
        model, x = factory()
        seeded_weights(model, 100 + i)
        y = model.predict(x, verbose=0)
        if not isinstance(y, list):
            y = [y]
        model.save(os.path.join(OUT, name + ".keras"))
        reference["models"][name] = {"x": [tolist(a) for a in x], "y": [tolist(a) for a in y]}
        print(f"{name:20s} -> {[np.asarray(a).shape for a in y]}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


def check(folder):
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".keras"):
            continue
        name = file[:-6]
        with open(os.path.join(folder, "reference.json")) as f:
            ref = json.load(f)["models"][name[len("csharp_"):] if name.startswith("csharp_") else name]
        try:
            model = keras.saving.load_model(os.path.join(folder, file))
            x = [np.asarray(a["values"], dtype=a["dtype"]).reshape(a["shape"]) for a in ref["x"]]
            y = model.predict(x if len(x) > 1 else x[0], verbose=0)
            y = y if isinstance(y, (list, tuple)) else [y]
            diff = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b["values"]).reshape(b["shape"])))) for a, b in zip(y, ref["y"]))
            print(f"{name:30s} loaded, {len(y)} output(s), max |diff| {diff:.2e} {'OK' if diff < 1e-4 else 'MISMATCH'}")
        except Exception as e:  # report, keep going
            print(f"{name:30s} FAILED: {type(e).__name__}: {str(e)[:300]}")


if __name__ == "__main__":
    if "--check" in sys.argv:
        check(ARGS[0])
    else:
        main()
