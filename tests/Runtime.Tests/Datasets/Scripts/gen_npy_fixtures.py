"""Writes the .npy fixtures NpyFileTests reads: small arrays saved by NumPy itself (np.save and
np.lib.format.write_array for format versions 2.0 and 3.0), the ones LayerGen must read and the ones it must
refuse, and expected.json with each readable file's shape, dtype and values (flattened, C order).

Run with the system Python that has NumPy: /usr/bin/python3 tests/Runtime.Tests/Datasets/Scripts/gen_npy_fixtures.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures", "npy")
os.makedirs(OUT, exist_ok=True)

rng = np.random.default_rng(7)
readable = {
    "f4_3x4": rng.normal(size=(3, 4)).astype("<f4"),
    "f8_5": rng.normal(size=(5,)).astype("<f8"),
    "i4_2x2x3": np.arange(-6, 6, dtype="<i4").reshape(2, 2, 3),
    "i8_4x1": (np.arange(4, dtype="<i8") * 10_000_000_000).reshape(4, 1),
    "u1_6x2": np.array([[0, 255], [1, 254], [7, 128], [3, 4], [200, 100], [9, 9]], dtype="u1"),
    "i1_3": np.array([-128, 0, 127], dtype="i1"),
    "b1_4": np.array([True, False, False, True]),
    "f4_0x3": np.zeros((0, 3), dtype="<f4"),
    "f4_scalar": np.array(2.5, dtype="<f4"),
}
expected = {}
for name, arr in readable.items():
    np.save(os.path.join(OUT, name + ".npy"), arr)
    dtype = {"f": "float32" if arr.dtype.itemsize == 4 else "float64", "i": "int32" if arr.dtype.itemsize <= 4 else "int64",
             "u": "int32", "b": "bool"}[arr.dtype.kind]
    values = [bool(v) if arr.dtype.kind == "b" else (float(v) if arr.dtype.kind == "f" else int(v)) for v in arr.reshape(-1)]
    expected[name] = {"shape": list(arr.shape), "dtype": dtype, "values": values}

# Format versions 2.0 and 3.0 (a 4-byte header length; 3.0 is UTF-8).
for version in [(2, 0), (3, 0)]:
    name = f"f4_2x2_v{version[0]}"
    arr = np.array([[1.5, -2.0], [3.25, 4.0]], dtype="<f4")
    with open(os.path.join(OUT, name + ".npy"), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)
    expected[name] = {"shape": [2, 2], "dtype": "float32", "values": [float(v) for v in arr.reshape(-1)]}

# Files NumPy writes that LayerGen refuses (with a DatasetFormatException naming the reason).
np.save(os.path.join(OUT, "refuse_fortran.npy"), np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save(os.path.join(OUT, "refuse_bigendian.npy"), np.arange(3, dtype=">f4"))
np.save(os.path.join(OUT, "refuse_float16.npy"), np.arange(3, dtype="<f2"))
np.save(os.path.join(OUT, "refuse_object.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print("wrote", len(expected), "readable and 4 refused fixtures to", os.path.normpath(OUT))
