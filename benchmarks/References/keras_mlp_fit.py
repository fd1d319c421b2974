"""Keras 3 reference for issue 22: the MLP 784-256-256-10 on Fashion-MNIST, model.fit / evaluate / predict.

Runs through the keras-oracle (Keras 3.11.3 on the torch 1.13 backend; see docs/benchmarks.md):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /root/keras-oracle/run.sh --backend torch benchmarks/References/keras_mlp_fit.py [--epochs N]

Same data and model as pytorch_mlp_fit.py and LayerGen's MlpFitTiming: Adam(1e-3), sparse categorical cross-entropy
from logits, metric "accuracy", batch 128, shuffled, verbose 0; time per epoch from a callback; evaluate and predict
over the 10,000 test images at batch 128 (median and minimum of 5 after one warm-up).
"""
import gzip
import statistics
import sys
import time

import numpy as np
import keras

DIRECTORY = "/usr/share/datasets/fashion-mnist"


def read_idx(name, offset, shape):
    with gzip.open(f"{DIRECTORY}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset).reshape(shape)


class EpochTimes(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.t0)
        print(f"epoch {epoch + 1}: {self.times[-1]:.3f} s ({self.times[-1] / 469 * 1e3:.2f} ms/step), loss {logs['loss']:.4f}")


def main():
    epochs = int(sys.argv[sys.argv.index("--epochs") + 1]) if "--epochs" in sys.argv else 3
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        pass
    keras.utils.set_random_seed(3)
    x_train = (read_idx("train-images-idx3-ubyte.gz", 16, (60000, 784)) / 255.0).astype(np.float32)
    y_train = read_idx("train-labels-idx1-ubyte.gz", 8, (60000,)).astype(np.int64)
    x_test = (read_idx("t10k-images-idx3-ubyte.gz", 16, (10000, 784)) / 255.0).astype(np.float32)
    y_test = read_idx("t10k-labels-idx1-ubyte.gz", 8, (10000,)).astype(np.int64)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    timer = EpochTimes()
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, verbose=0, callbacks=[timer])
    warm = timer.times[1:] or timer.times
    print(f"Keras {keras.__version__} ({keras.backend.backend()}) fit: first epoch {timer.times[0]:.3f} s, "
          f"best warm epoch {min(warm):.3f} s, median warm {statistics.median(warm):.3f} s")
    for name, fn in (("evaluate", lambda: model.evaluate(x_test, y_test, batch_size=128, verbose=0)),
                     ("predict", lambda: model.predict(x_test, batch_size=128, verbose=0))):
        fn()
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        print(f"Keras {name} 10k (batch 128): median {statistics.median(samples) * 1e3:.1f} ms, min {min(samples) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
