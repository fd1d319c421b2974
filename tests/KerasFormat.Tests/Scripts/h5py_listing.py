"""Lists an HDF5 file as h5py (the libhdf5 that Keras uses) reads it.

Used by tests/KerasFormat.Tests/H5pyTests.cs. One line per item, sorted:
  G <path> <member count>        a group (the root is not listed)
  A <path> <value>               the group's "name" attribute, decoded
  S <path> <encoding> <vlen>     the "name" attribute's string type (vlen: variable-length)
  D <path> (<dims>) <dtype>      a dataset's shape and numpy dtype
  V <path> <v1> <v2> ...         a dataset's values, flattened, as Python reprs
Exits 2 when the file cannot be opened.
"""
import sys

import h5py


def listing(path):
    lines = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group):
            lines.append(f"G {name} {len(obj)}")
            if "name" in obj.attrs:
                value = obj.attrs["name"]
                if isinstance(value, bytes):
                    value = value.decode("utf-8")
                lines.append(f"A {name} {value}")
                info = h5py.check_string_dtype(obj.attrs.get_id("name").dtype)
                if info is None:
                    lines.append(f"S {name} not-a-string False")
                else:
                    lines.append(f"S {name} {info.encoding} {info.length is None}")
        elif isinstance(obj, h5py.Dataset):
            dims = ", ".join(str(d) for d in obj.shape)
            lines.append(f"D {name} ({dims}) {obj.dtype.name}")
            data = obj[()]
            flat = data.reshape(-1).tolist() if obj.shape else [data.item()]
            lines.append("V " + name + " " + " ".join(repr(v) for v in flat))

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    lines.sort()
    return lines


def main():
    if len(sys.argv) != 2:
        print("usage: h5py_listing.py FILE.h5", file=sys.stderr)
        return 64
    try:
        lines = listing(sys.argv[1])
    except OSError as e:
        print(f"cannot open {sys.argv[1]}: {e}", file=sys.stderr)
        return 2
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
