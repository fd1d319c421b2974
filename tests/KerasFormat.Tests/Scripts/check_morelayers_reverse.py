"""The reverse check of the normalization/activation/noise fixtures: real Keras loads the .keras files LayerGen
wrote and predicts what LayerGen predicted; for the adapted Normalization files it also checks that Keras reads
LayerGen's mean/variance weights.

    DIR=$(mktemp -d)
    LAYERGEN_MORELAYERS_REVERSE_DIR=$DIR dotnet test tests/KerasFormat.Tests -c Release --filter MoreLayersFixtureTests
    /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_morelayers_reverse.py $DIR tests/KerasFormat.Tests/Fixtures/morelayers

(MoreLayersFixtureTests.LayerGenSaveAndLoadKeepThePredictions writes <name>.keras with LayerGen's writer and
<name>.json with the input and LayerGen's prediction.) Run it with the numpy backend and with `--backend torch`: Keras 3.15.1's
numpy backend cannot run a reloaded Softmax with a list axis at all (its own softmax_axes.keras fails the same way:
"'TrackedList' object cannot be interpreted as an integer"), so that one file is checked on torch. Prints one line per file and exits non-zero on any mismatch.
"""
import glob
import json
import os
import sys

import numpy as np
import keras

folder, fixtures = sys.argv[1], sys.argv[2]
with open(os.path.join(fixtures, "reference.json")) as f:
    reference = {c["name"]: c for c in json.load(f)["cases"]}
failures = 0
files = sorted(glob.glob(os.path.join(folder, "*.keras")))
for path in files:
    name = os.path.basename(path)[:-len(".keras")]
    with open(os.path.join(folder, name + ".json")) as f:
        ref = json.load(f)
    try:
        model = keras.saving.load_model(path)
        x = np.asarray(ref["x"], dtype="float32").reshape(ref["x_shape"])
        y = np.asarray(model.predict(x, verbose=0))
        expected = np.asarray(ref["y"], dtype="float32").reshape(ref["y_shape"])
        ok = y.shape == expected.shape and np.allclose(y, expected, atol=1e-5, rtol=1e-5)
        detail = f"max abs diff {float(np.max(np.abs(y - expected))) if y.shape == expected.shape and y.size else 'shape ' + str(y.shape)}"
        if "adapt_mean" in reference.get(name, {}):
            layer = model.layers[-1]
            ok = ok and np.allclose(np.asarray(layer.adapt_mean).ravel(), reference[name]["adapt_mean"], atol=1e-6)
            ok = ok and np.allclose(np.asarray(layer.adapt_variance).ravel(), reference[name]["adapt_variance"], atol=1e-5)
            detail += f", mean/variance read back, count dtype {layer.count.dtype}"
    except Exception as e:  # report every file, then fail
        ok, detail = False, f"{type(e).__name__}: {e}"
    failures += not ok
    print(("ok  " if ok else "FAIL"), name, detail)
print(f"{len(files) - failures}/{len(files)} LayerGen files load in Keras {keras.__version__} ({keras.backend.backend()}) with the same predictions")
sys.exit(1 if failures or not files else 0)
