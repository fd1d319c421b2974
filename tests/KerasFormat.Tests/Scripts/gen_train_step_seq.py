"""Issue 17: one training step continued on both sides for the sequence layers (Keras 3.11.3 / torch).

usage: /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_train_step_seq.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/train-step-torch-seq; driver: train_step_common.py)
Read by tests/KerasFormat.Tests/TrainStepFixtureTests.cs.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras import layers  # noqa: E402
import train_step_common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "train-step-torch-seq")

SEQ = ((5, 3), "float32", "normal")
MASKED = ((5, 3), "float32", "masked")
IDS = ((6,), "int32", "ids:7")


def bidi(merge_mode, cell):
    def build(x):
        y = layers.Bidirectional(cell(), merge_mode=merge_mode)(x)
        if merge_mode is None:
            y = layers.Subtract()(y)
        return layers.Dense(2)(y)
    return build


CASES = {
    "embedding_mask_lstm": ([IDS], lambda x: layers.Dense(2)(layers.LSTM(4)(layers.Embedding(7, 3, mask_zero=True)(x)))),
    "embedding_mask_gru_sequences": ([IDS], lambda x: layers.TimeDistributed(layers.Dense(2))(
        layers.GRU(3, return_sequences=True)(layers.Embedding(7, 3, mask_zero=True)(x)))),
    "masking_simple_rnn_sequences": ([MASKED], lambda x: layers.TimeDistributed(layers.Dense(2))(
        layers.SimpleRNN(3, return_sequences=True)(layers.Masking(0.0)(x)))),
    "masking_lstm_go_backwards": ([MASKED], lambda x: layers.LSTM(3, go_backwards=True)(layers.Masking(0.0)(x))),
    "simple_rnn_go_backwards_sequences": ([SEQ], lambda x: layers.SimpleRNN(2)(layers.SimpleRNN(3, return_sequences=True, go_backwards=True)(x))),
    "lstm_sequences_lstm": ([SEQ], lambda x: layers.LSTM(2)(layers.LSTM(3, return_sequences=True)(x))),
    "gru_reset_after": ([SEQ], lambda x: layers.GRU(3)(x)),
    "gru_reset_before_go_backwards": ([SEQ], lambda x: layers.GRU(3, reset_after=False, go_backwards=True)(x)),
    "masking_gru_reset_before_sequences": ([MASKED], lambda x: layers.TimeDistributed(layers.Dense(2))(
        layers.GRU(3, reset_after=False, return_sequences=True)(layers.Masking(0.0)(x)))),
    "rnn_simple_rnn_cell": ([SEQ], lambda x: layers.RNN(layers.SimpleRNNCell(3))(x)),
    "rnn_lstm_cell_sequences": ([SEQ], lambda x: layers.TimeDistributed(layers.Dense(2))(layers.RNN(layers.LSTMCell(3), return_sequences=True)(x))),
    "rnn_gru_cell_go_backwards": ([SEQ], lambda x: layers.RNN(layers.GRUCell(3), go_backwards=True)(x)),
    "rnn_gru_cell_reset_before": ([SEQ], lambda x: layers.RNN(layers.GRUCell(3, reset_after=False))(x)),
    "rnn_stacked_cells": ([SEQ], lambda x: layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)]))(x)),
    "rnn_stacked_cells_masked": ([MASKED], lambda x: layers.RNN(layers.StackedRNNCells([layers.SimpleRNNCell(3), layers.LSTMCell(2)]))(layers.Masking(0.0)(x))),
    "bidirectional_concat_lstm": ([SEQ], bidi("concat", lambda: layers.LSTM(2))),
    "bidirectional_sum_gru": ([SEQ], bidi("sum", lambda: layers.GRU(2))),
    "bidirectional_mul_simple_rnn": ([SEQ], bidi("mul", lambda: layers.SimpleRNN(2))),
    "bidirectional_ave_gru_reset_before": ([SEQ], bidi("ave", lambda: layers.GRU(2, reset_after=False))),
    "bidirectional_none_lstm": ([SEQ], bidi(None, lambda: layers.LSTM(2))),
    "bidirectional_concat_sequences_masked": ([IDS], lambda x: layers.TimeDistributed(layers.Dense(2))(
        layers.Bidirectional(layers.LSTM(2, return_sequences=True))(layers.Embedding(7, 3, mask_zero=True)(x)))),
    "time_distributed_dense": ([SEQ], lambda x: layers.TimeDistributed(layers.Dense(2, activation="tanh"))(x)),
}

if __name__ == "__main__":
    train_step_common.run(CASES, OUT, seed=17000)
