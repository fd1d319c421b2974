"""The reverse check of the pooling fixtures: real Keras loads the .keras files LayerGen wrote and predicts what
LayerGen predicted.

    DIR=$(mktemp -d)
    LAYERGEN_POOL_REVERSE_DIR=$DIR dotnet test tests/KerasFormat.Tests -c Release --filter PoolFixtureTests
    /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_pool_reverse.py $DIR

(PoolFixtureTests.LayerGenSaveAndLoadKeepThePredictions writes <name>.keras with LayerGen's writer and <name>.json
with the input and LayerGen's prediction.) Prints one line per file and exits non-zero on any mismatch.
"""
import glob
import json
import os
import sys

import numpy as np
import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_lax_shim  # noqa: E402

numpy_lax_shim.install(keras)

folder = sys.argv[1]
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
    except Exception as e:  # report every file, then fail
        ok, detail = False, f"{type(e).__name__}: {e}"
    failures += not ok
    print(("ok  " if ok else "FAIL"), name, detail)
print(f"{len(files) - failures}/{len(files)} LayerGen files load in Keras {keras.__version__} ({keras.backend.backend()}) with the same predictions")
sys.exit(1 if failures or not files else 0)
