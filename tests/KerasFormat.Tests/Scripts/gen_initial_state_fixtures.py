"""Writes the `initial_state` fixtures with real Keras 3.15.1 (numpy backend): functional models whose recurrent
layers start from states given in the call (`layer(x, initial_state=[...])`, issue 17).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_initial_state_fixtures.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/initial-state)
       /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_initial_state_fixtures.py /tmp/out
       (Keras 3.11.3 on torch: the same cases, to cross-check the numpy backend's predictions)

Cases: Keras's encoder-decoder (seq2seq) pattern with LSTMs (the decoder starts from the encoder's return_state
outputs), the same with GRUs over Embedding(mask_zero) ids, a GRU whose start state is a model input, and a
Bidirectional LSTM whose four start states are model inputs (first half forward, second half backward). For each:
OUTDIR/<case>.keras (weights set to seeded normal values) and, in OUTDIR/reference.json, the inputs (name, dtype,
shape, values; batch 3), Keras's prediction and the decoder's inbound node as Keras wrote it.

Cross-check recorded (2026-12-07): the torch run (Keras 3.11.3, torch 1.13) of the four cases gives the same
predictions as the committed numpy ones (max |diff| 6.0e-08).

Note (seq2seq_gru_ids): Keras's Layer.__call__ fills `mask` from the input only for a call with one tensor argument,
so the decoder called with initial_state runs unmasked (its output still carries the mask); LayerGen does the same.
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "initial-state")


def seq2seq_lstm():
    enc = keras.Input((5, 3), name="encoder_inputs")
    dec = keras.Input((4, 2), name="decoder_inputs")
    _, h, c = layers.LSTM(4, return_state=True, name="encoder")(enc)
    y = layers.LSTM(4, return_sequences=True, name="decoder")(dec, initial_state=[h, c])
    return keras.Model([enc, dec], layers.Dense(2, name="head")(y)), "decoder"


def seq2seq_gru_ids():
    enc = keras.Input((6,), dtype="int32", name="source_ids")
    dec = keras.Input((4,), dtype="int32", name="target_ids")
    e = layers.Embedding(7, 3, mask_zero=True, name="source_embedding")(enc)
    _, h = layers.GRU(3, return_state=True, name="encoder")(e)
    d = layers.Embedding(7, 3, mask_zero=True, name="target_embedding")(dec)
    y, h2 = layers.GRU(3, return_sequences=True, return_state=True, name="decoder")(d, initial_state=[h])
    return keras.Model([enc, dec], [layers.Dense(5, activation="softmax", name="head")(y), h2]), "decoder"


def gru_state_input():
    x = keras.Input((5, 3), name="steps")
    h0 = keras.Input((4,), name="h0")
    y = layers.GRU(4, reset_after=False, name="gru")(x, initial_state=[h0])
    return keras.Model([x, h0], y), "gru"


def bidirectional_lstm_states():
    x = keras.Input((5, 3), name="steps")
    s = [keras.Input((2,), name=n) for n in ("h_forward", "c_forward", "h_backward", "c_backward")]
    y = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode="concat", name="bidirectional")(x, initial_state=s)
    return keras.Model([x] + s, y), "bidirectional"


CASES = {f.__name__: f for f in (seq2seq_lstm, seq2seq_gru_ids, gru_state_input, bidirectional_lstm_states)}


def value(inp, rng):
    shape = (3,) + tuple(inp.shape[1:])
    if inp.dtype.startswith("int"):
        x = rng.integers(1, 7, shape).astype(inp.dtype)
        x[0, -2:] = 0       # padded at the end
        x[1, 1:] = 0        # one real id
        return x
    return rng.normal(0, 1, shape).astype("float32")


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, factory) in enumerate(CASES.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(3000 + i)
        model, stateful_layer = factory()
        model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
        xs = [value(inp, rng) for inp in model.inputs]
        ys = model.predict(xs, verbose=0)
        if not isinstance(ys, (list, tuple)):
            ys = [ys]
        model.save(os.path.join(OUT, name + ".keras"))
        node = next(l for l in model.get_config()["layers"] if l["name"] == stateful_layer)["inbound_nodes"][0]
        reference["cases"][name] = {
            "inputs": [{"name": inp.name, "dtype": inp.dtype, "shape": list(x.shape), "values": x.ravel().tolist()}
                       for inp, x in zip(model.inputs, xs)],
            "outputs": [{"shape": list(np.shape(y)), "values": np.asarray(y).ravel().tolist()} for y in ys],
            "state_layer": stateful_layer,
            "state_node": node,
            "count_params": int(model.count_params()),
        }
        print(f"{name:30s} inputs={[tuple(x.shape) for x in xs]} outputs={[np.shape(y) for y in ys]} params={model.count_params()}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


if __name__ == "__main__":
    main()
