"""The reverse direction of the list-mask fixtures: loads in real Keras 3.15.1 the .keras files LayerGen wrote and
compares Keras's predictions with the recorded ones.

usage: LAYERGEN_LIST_MASK_EXPORT_DIR=/tmp/lm dotnet test tests/KerasFormat.Tests -c Release --filter ListMaskFixtureTests
       /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_layergen_list_mask_exports.py /tmp/lm

Files: resaved_<case>.keras (a Keras fixture loaded and saved by LayerGen; compared with Fixtures/list-masks/
reference.json) and <name>.keras with <name>.json (a model LayerGen built; the JSON holds its inputs and outputs).
Prints one line per file and exits 1 when one differs by more than 1e-5.

Recorded (2026-12-07): Keras 3.15.1 loads all three files (resaved_attention_masks, resaved_additive_value_mask,
lg_list_mask) and predicts the recorded values (max |diff| 0.0).
"""
import glob
import json
import os
import sys

import numpy as np

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = sys.argv[1]
reference = json.load(open(os.path.join(HERE, "..", "Fixtures", "list-masks", "reference.json")))["cases"]


def arrays(items):
    out = []
    for item in items:
        x = np.asarray(item["values"], dtype="float32").reshape(item["shape"])
        out.append(x != 0 if item.get("dtype") == "bool" else x)
    return out


worst = 0.0
for path in sorted(glob.glob(os.path.join(DIR, "*.keras"))):
    base = os.path.basename(path)[:-len(".keras")]
    if base.startswith("resaved_"):
        record = reference[base[len("resaved_"):]]
    else:
        record = json.load(open(os.path.join(DIR, base + ".json")))
    model = keras.saving.load_model(path)
    ys = model.predict(arrays(record["inputs"]), verbose=0)
    ys = ys if isinstance(ys, (list, tuple)) else [ys]
    diff = max(float(np.max(np.abs(np.asarray(y) - e))) for y, e in zip(ys, arrays(record["outputs"])))
    worst = max(worst, diff)
    print(f"{base:32s} max |diff| {diff:.2e}")
sys.exit(0 if worst <= 1e-5 else 1)
