"""Reference facts for FashionMnistTests.RealFilesMatchAnIndependentReader (issue 16).

Reads Debian's dataset-fashion-mnist files with Python's gzip module and NumPy, independently of LayerGen, and
prints what the test checks: the first labels, the class counts, the first image's non-zero pixels in a few rows,
and exact integer checksums of the pixel bytes.
Run: /usr/bin/python3 fashion_mnist_reference.py [directory]
"""
import gzip
import sys

import numpy as np

directory = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"


def read(name, offset):
    with gzip.open(f"{directory}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


for split, count in (("train", 60000), ("t10k", 10000)):
    images = read(f"{split}-images-idx3-ubyte.gz", 16).reshape(count, 28, 28)
    labels = read(f"{split}-labels-idx1-ubyte.gz", 8)
    print(f"{split}: first 20 labels {labels[:20].tolist()}")
    print(f"{split}: class counts {np.bincount(labels, minlength=10).tolist()}")
    print(f"{split}: pixel byte sum {int(images.astype(np.int64).sum())}")
    print(f"{split}: first image pixel byte sum {int(images[0].astype(np.int64).sum())}, row 14 {images[0, 14].tolist()}")
    print(f"{split}: last image pixel byte sum {int(images[-1].astype(np.int64).sum())}")
    # The same scaling as the loader (x / 255.0 rounded to float32), summed in float64:
    print(f"{split}: mean of x / 255 as float32 {float((images / 255.0).astype(np.float32).astype(np.float64).mean()):.9f}")
