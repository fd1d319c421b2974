"""Loads LayerGen's .keras files of the sequence layers in real Keras and compares the predictions.

usage:
  LAYERGEN_SEQUENCE_EXPORT_DIR=/tmp/lg-seq dotnet test tests/KerasFormat.Tests -c Release --filter SequenceExportTests
  /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_layergen_sequence_exports.py /tmp/lg-seq

The directory holds what SequenceExportTests writes: lg_*.keras (models built from LayerGen's C# constructors) with
layergen_predictions.json (inputs and LayerGen's predictions), and resaved_*.keras (the Keras fixtures of
Fixtures/sequence saved again by LayerGen, compared with reference.json's predictions).

Result recorded when the layers were written (2026-12-06, 6 lg_* + 29 resaved_* files):
  Keras 3.15.1, numpy backend: 35 of 35 load; all predictions agree (max |diff| 6.0e-08; int32 id inputs,
    Embedding mask_zero, LSTM/GRU (both reset_after)/SimpleRNN, RNN over each cell, Bidirectional in every merge
    mode, TimeDistributed(Dense), Masking).
"""
import json
import os
import sys

import numpy as np

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = sys.argv[1]


def main():
    preds = json.load(open(os.path.join(DIR, "layergen_predictions.json")))
    ref = json.load(open(os.path.join(HERE, "..", "Fixtures", "sequence", "reference.json")))["cases"]
    ok = bad = 0
    worst = 0.0
    for f in sorted(os.listdir(DIR)):
        if not f.endswith(".keras"):
            continue
        name = f[:-6]
        try:
            model = keras.saving.load_model(os.path.join(DIR, f))
        except Exception as e:  # noqa: BLE001
            print(f"{name}: does not load: {type(e).__name__}: {str(e)[:300]}")
            bad += 1
            continue
        if name.startswith("resaved_"):
            c = ref[name[len("resaved_"):]]
            x = np.asarray(c["x"], dtype=c["input_dtype"])
            want = np.asarray(c["y"], dtype="float32")
        else:
            p = preds[name]
            x = np.asarray(p["x"], dtype=p["x_dtype"]).reshape(p["x_shape"])
            want = np.asarray(p["y"], dtype="float32")
        got = np.asarray(model.predict(x, verbose=0)).ravel()
        diff = float(np.max(np.abs(got - want.ravel())))
        worst = max(worst, diff)
        status = "ok" if diff < 1e-4 else "DIFFERS"
        ok += status == "ok"
        bad += status != "ok"
        print(f"{name:55s} {status} max|diff|={diff:.2e}")
    print(f"{ok} agree, {bad} do not; worst max|diff| {worst:.2e} (Keras {keras.__version__}, {keras.backend.backend()})")


if __name__ == "__main__":
    main()
