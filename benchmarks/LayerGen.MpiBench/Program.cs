using System.Diagnostics;
using System.Globalization;
using LayerGen.Optimizers;

// 1. MPI_Allreduce (sum, float32, in place) of 1-100 MB buffers: time per call and the bus bandwidth
//    (2(N-1)/N x bytes / time, the bytes each rank sends and receives in a ring all-reduce).
// 2. One training step of a Fashion-MNIST-sized MLP (784-128-10, global batch 256) with and without the gradient
//    all-reduce, to show the share of communication in a step.
using var strategy = DataParallel.FromMpi();
var comm = strategy.Communicator;
var inv = CultureInfo.InvariantCulture;
void Say(string s) { if (comm.Rank == 0) Console.WriteLine(s); }
Say(string.Create(inv, $"ranks {comm.Size}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
Say("MB      ms/allreduce   algbw GB/s   busbw GB/s");
foreach (int mb in (int[])[1, 4, 16, 25, 64, 100])
{
    var buffer = new float[mb * 1024 * 1024 / 4];
    buffer.AsSpan().Fill(1f);
    comm.AllReduceSum(buffer); // warm-up
    int reps = Math.Max(3, 200 / mb);
    comm.Barrier();
    var clock = Stopwatch.StartNew();
    for (int r = 0; r < reps; r++) comm.AllReduceSum(buffer);
    comm.Barrier();
    double seconds = clock.Elapsed.TotalSeconds / reps;
    double bytes = buffer.Length * 4.0;
    double algbw = bytes / seconds / 1e9, busbw = algbw * 2 * (comm.Size - 1) / comm.Size;
    Say(string.Create(inv, $"{mb,-7} {seconds * 1e3,12:F2}   {algbw,10:F2}   {busbw,10:F2}"));
}

RandomGenerator.SetGlobalSeed(1);
var x = Tensor.RandomNormal([256 * 20, 784]);
var y = Tensor.RandomUniform([256 * 20, 1], 0, 10);
y = Ops.Cast(y, DType.Int32);
foreach (bool distributed in (bool[])[false, true])
{
    RandomGenerator.SetGlobalSeed(2);
    var model = new Sequential([new InputLayer(shape: [784]), new Dense(128, activation: "relu"), new Dense(10)]);
    var loss = new LayerGen.Losses.SparseCategoricalCrossentropy(fromLogits: true);
    if (distributed) model.Compile(strategy, new Adam(), loss: loss);
    else model.Compile(new Adam(), loss: loss);
    // Without the strategy every rank trains on the whole global batch alone; with it, on 1/N of it plus the all-reduce.
    model.Fit(x[0..256], y[0..256], batchSize: 256, epochs: 1, verbose: 0, shuffle: false);
    comm.Barrier();
    var clock = Stopwatch.StartNew();
    model.Fit(x, y, batchSize: 256, epochs: 1, verbose: 0, shuffle: false);
    comm.Barrier();
    double ms = clock.Elapsed.TotalMilliseconds / 20;
    Say(string.Create(inv, $"MLP 784-128-10, global batch 256, {(distributed ? $"{comm.Size} ranks x {256 / comm.Size} rows" : "each rank the whole batch alone")}: {ms:F2} ms/step"));
}
var grads = new Tensor?[] { Tensor.Zeros([784, 128]), Tensor.Zeros([128]), Tensor.Zeros([128, 10]), Tensor.Zeros([10]) };
strategy.AllReduceGradients(grads);
comm.Barrier();
var c2 = Stopwatch.StartNew();
for (int i = 0; i < 100; i++) strategy.AllReduceGradients(grads);
comm.Barrier();
Say(string.Create(inv, $"gradient all-reduce alone (101,770 float32 = 0.41 MB, one bucket): {c2.Elapsed.TotalMilliseconds / 100:F3} ms"));
