"""Writes the sequence-layer fixtures with real Keras 3.15.1 (numpy backend).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_sequence_fixtures.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/sequence)
       /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_sequence_fixtures.py /tmp/out
       (Keras 3.11.3 on torch: the same cases, to cross-check the predictions of the numpy backend)

For each case: `Sequential([Input(shape, dtype), *layers])`, weights set to seeded normal values, saved as
OUTDIR/<case>.keras; OUTDIR/reference.json gets, per case, the input `x` (batch 3; int ids padded with 0 for the
Embedding cases, float steps padded with 0.0 for Masking), Keras's prediction `y`, the layers' class names and
`get_config()`, the weights (name, path, shape, values), `count_params()` and the output shape. The numpy backend
runs RNN loops in numpy itself (no jax primitive is needed).

Cross-check recorded (2026-12-06): the torch run (Keras 3.11.3, torch 1.13) of the first 29 cases gives the same
predictions as the committed numpy ones (max |diff| 2.2e-07).
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "sequence")

F = (5, 3)       # float sequences: 5 steps of 3 features
IDS = (6,)       # id sequences: 6 ids

# name -> (input shape without batch, input dtype, layer factories)
CASES = {
    "embedding_basic": (IDS, "int32", lambda: [layers.Embedding(7, 3)]),
    "embedding_int64": (IDS, "int64", lambda: [layers.Embedding(9, 2)]),
    "embedding_mask_zero_lstm_sequences": (IDS, "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.LSTM(4, return_sequences=True)]),
    "embedding_mask_zero_gru": (IDS, "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.GRU(4)]),
    "embedding_mask_zero_simple_rnn_backwards": (IDS, "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.SimpleRNN(3, go_backwards=True, return_sequences=True)]),
    "embedding_mask_zero_lstm_zero_output": (IDS, "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.LSTM(2, return_sequences=True, zero_output_for_mask=True)]),
    "masking_lstm": (F, "float32", lambda: [layers.Masking(0.0), layers.LSTM(3)]),
    "masking_gru_sequences_dense": (F, "float32", lambda: [layers.Masking(0.0), layers.GRU(3, return_sequences=True), layers.Dense(2)]),
    "lstm_basic": (F, "float32", lambda: [layers.LSTM(4)]),
    "lstm_sequences_backwards": (F, "float32", lambda: [layers.LSTM(4, return_sequences=True, go_backwards=True)]),
    "lstm_no_bias_relu": (F, "float32", lambda: [layers.LSTM(3, use_bias=False, activation="relu", recurrent_activation="hard_sigmoid")]),
    "lstm_no_unit_forget_bias": (F, "float32", lambda: [layers.LSTM(3, unit_forget_bias=False, return_sequences=True)]),
    "gru_reset_after": (F, "float32", lambda: [layers.GRU(4)]),
    "gru_reset_before_sequences": (F, "float32", lambda: [layers.GRU(4, reset_after=False, return_sequences=True)]),
    "gru_reset_before_backwards": (F, "float32", lambda: [layers.GRU(3, reset_after=False, go_backwards=True)]),
    "gru_no_bias": (F, "float32", lambda: [layers.GRU(3, use_bias=False, return_sequences=True)]),
    "simple_rnn_basic": (F, "float32", lambda: [layers.SimpleRNN(4)]),
    "simple_rnn_relu_sequences": (F, "float32", lambda: [layers.SimpleRNN(3, activation="relu", return_sequences=True)]),
    "rnn_lstm_cell": (F, "float32", lambda: [layers.RNN(layers.LSTMCell(3), return_sequences=True)]),
    "rnn_gru_cell_backwards": (F, "float32", lambda: [layers.RNN(layers.GRUCell(2, reset_after=False), go_backwards=True)]),
    "rnn_simple_rnn_cell": (F, "float32", lambda: [layers.RNN(layers.SimpleRNNCell(3))]),
    "stacked_lstm_gru": (F, "float32", lambda: [layers.LSTM(4, return_sequences=True), layers.GRU(3)]),
    # wrappers (appended: a case's seed is its index, so earlier cases keep their values)
    "bidirectional_lstm_concat": (F, "float32", lambda: [layers.Bidirectional(layers.LSTM(3))]),
    "bidirectional_gru_sum_sequences": (F, "float32", lambda: [layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="sum")]),
    "bidirectional_simple_rnn_ave": (F, "float32", lambda: [layers.Bidirectional(layers.SimpleRNN(2), merge_mode="ave")]),
    "bidirectional_lstm_mul_masked_sequences": (IDS, "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode="mul")]),
    "bidirectional_gru_concat_masked": (IDS, "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.Bidirectional(layers.GRU(2, reset_after=False))]),
    "time_distributed_dense": (F, "float32", lambda: [layers.TimeDistributed(layers.Dense(2, activation="tanh"))]),
    "lstm_sequences_time_distributed_dense": (F, "float32", lambda: [layers.LSTM(3, return_sequences=True), layers.TimeDistributed(layers.Dense(2))]),
    "rnn_stacked_cells": (F, "float32", lambda: [layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2), layers.SimpleRNNCell(2)]), return_sequences=True)]),
}

WEIGHTS_CASES = {"lstm_basic", "gru_reset_after", "embedding_mask_zero_lstm_sequences"}


def inputs(name, shape, dtype, rng):
    if dtype.startswith("int"):
        x = rng.integers(1, 7, (3,) + shape).astype(dtype)
        x[0, 4:] = 0        # padded at the end
        x[1, 1:] = 0        # one real id
        x[2, 2] = 0         # a hole in the middle (masked step carries the state over)
        return x
    x = rng.normal(0, 1, (3,) + shape).astype(dtype)
    if "masking" in name:
        x[0, 3:, :] = 0.0
        x[1, 1, :] = 0.0
    return x


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, (shape, dtype, factory)) in enumerate(CASES.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(2000 + i)
        ls = factory()
        model = keras.Sequential([keras.Input(shape=shape, dtype=dtype)] + ls, name=name)
        model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
        x = inputs(name, shape, dtype, rng)
        y = np.asarray(model.predict(x, verbose=0))
        model.save(os.path.join(OUT, name + ".keras"))
        if name in WEIGHTS_CASES:
            model.save_weights(os.path.join(OUT, name + ".weights.h5"))
        reference["cases"][name] = {
            "class_names": [type(l).__name__ for l in ls],
            "input_shape": list(shape),
            "input_dtype": dtype,
            "output_shape": list(model.output_shape[1:]),
            "count_params": int(model.count_params()),
            "configs": [l.get_config() for l in ls],
            "weights": [{"name": w.name, "path": w.path, "shape": list(w.shape),
                         "values": np.asarray(keras.ops.convert_to_numpy(w)).ravel().tolist()} for w in model.weights],
            "x": x.tolist(),
            "y": y.tolist(),
        }
        print(f"{name:45s} {str(shape):10s} -> {model.output_shape} params={model.count_params()}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


if __name__ == "__main__":
    main()
