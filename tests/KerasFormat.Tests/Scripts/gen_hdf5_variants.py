"""Writes small .weights.h5 files with h5py (libhdf5) that exercise the HDF5 features LayerGen's reader must read
or refuse by name (tests/KerasFormat.Tests/Hdf5VariantTests.cs). Each holds the weights of
Sequential([Input((3,)), Dense(2, name="dense")]) in Keras 3's layout, with kernel = arange(6).reshape(3, 2) / 8 and
bias = [0.5, -0.25], stored in one variant:

  plain.weights.h5           h5py's defaults (what Keras writes)
  bigendian.weights.h5       the datasets as big-endian float32
  float64.weights.h5         the datasets as float64 (LayerGen casts to the variables' float32)
  compact.weights.h5         the datasets in compact layout (data inside the object header)
  latest.weights.h5          libver="latest": superblock 3, version 2 object headers, compact links
  manyattrs.weights.h5       40 attributes on the vars group: the header spills into continuation blocks
  dense_links.weights.h5     libver="latest" and 20 extra members in the vars group: links in a fractal heap (refused)
  chunked.weights.h5         the kernel chunked and gzip-compressed (refused)

Run with /usr/bin/python3 (Debian's h5py): python3 gen_hdf5_variants.py OUTDIR
"""
import os
import sys

import h5py
import numpy as np

KERNEL = (np.arange(6, dtype="float32").reshape(3, 2) / 8).astype("float32")
BIAS = np.array([0.5, -0.25], dtype="float32")


def write(path, dtype="<f4", libver=None, layout=None, attrs=0, extra=0, chunked=False):
    kw = {"libver": libver} if libver else {}
    with h5py.File(path, "w", **kw) as f:
        layers = f.create_group("layers")
        vars_ = layers.create_group("dense").create_group("vars")
        vars_.attrs["name"] = "dense"
        for i in range(attrs):
            vars_.attrs[f"note_{i:02d}"] = f"attribute number {i} " * 3
        for key, value in (("0", KERNEL), ("1", BIAS)):
            if layout == "compact":
                dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
                dcpl.set_layout(h5py.h5d.COMPACT)
                space = h5py.h5s.create_simple(value.shape)
                tid = h5py.h5t.py_create(np.dtype(dtype))
                ds = h5py.h5d.create(vars_.id, key.encode(), tid, space, dcpl=dcpl)
                ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(value.astype(dtype)))
            elif chunked and key == "0":
                vars_.create_dataset(key, data=value.astype(dtype), chunks=(1, 2), compression="gzip")
            else:
                vars_.create_dataset(key, data=value.astype(dtype))
        for i in range(extra):
            vars_.create_group(f"extra_{i:02d}")
        top = f.create_group("vars")
        top.attrs["name"] = "sequential"


def main(out):
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "plain.weights.h5"))
    write(os.path.join(out, "bigendian.weights.h5"), dtype=">f4")
    write(os.path.join(out, "float64.weights.h5"), dtype="<f8")
    write(os.path.join(out, "compact.weights.h5"), layout="compact")
    write(os.path.join(out, "latest.weights.h5"), libver="latest")
    write(os.path.join(out, "manyattrs.weights.h5"), attrs=40)
    write(os.path.join(out, "dense_links.weights.h5"), libver="latest", extra=20)
    write(os.path.join(out, "chunked.weights.h5"), chunked=True)


if __name__ == "__main__":
    main(sys.argv[1])
