using System.Diagnostics;
using System.Globalization;
using LayerGen.Optimizers;

// 1. (--sweep) MPI_Allreduce (sum, float32, in place) of 1-100 MB buffers: time per call and the bus bandwidth
//    (2(N-1)/N x bytes / time, the bytes each rank sends and receives in a ring all-reduce).
// 2. Training steps of the Fashion-MNIST MLP (784-128-10) or convnet (--model convnet; the DistributedFashionMnist
//    sample's) at global batch --batch (256): each rank the whole batch alone, then data-parallel with the all-reduces
//    after the backward pass and overlapped with it, and the gradient all-reduce alone (the model's buckets).
// Threads per rank: DOTNET_PROCESSOR_COUNT (the GEMM and convolution kernels use Environment.ProcessorCount), e.g.
//   mpirun -np 2 -x DOTNET_PROCESSOR_COUNT=1 ... (2 ranks x 1 thread) against DOTNET_PROCESSOR_COUNT=2 dotnet ... (1 rank x 2).
var inv = CultureInfo.InvariantCulture;
string modelKind = "mlp";
int batch = 256, steps = 20;
bool sweep = false;
for (int i = 0; i < args.Length; i++)
    switch (args[i])
    {
        case "--sweep": sweep = true; break;
        case "--model": modelKind = args[++i]; break;
        case "--batch": batch = int.Parse(args[++i], inv); break;
        case "--steps": steps = int.Parse(args[++i], inv); break;
        default: Console.Error.WriteLine("options: --sweep, --model mlp|convnet, --batch B, --steps N"); return 2;
    }

using var overlapped = DataParallel.FromMpi(overlapBackward: true);
var blocking = DataParallel.FromMpi(overlapBackward: false);
var comm = overlapped.Communicator;
void Say(string s) { if (comm.Rank == 0) Console.WriteLine(s); }
Say(string.Create(inv, $"ranks {comm.Size}, {Environment.ProcessorCount} thread(s) per rank, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
if (sweep)
{
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
}

RandomGenerator.SetGlobalSeed(1);
bool conv = modelKind == "convnet";
var x = conv ? Tensor.RandomNormal([batch * steps, 28, 28, 1]) : Tensor.RandomNormal([batch * steps, 784]);
var y = Ops.Cast(Tensor.RandomUniform([batch * steps, 1], 0, 10), DType.Int32);
Sequential Build() => conv
    ? new([new InputLayer(shape: [28, 28, 1]), new Conv2D(32, kernelSize: 3, activation: "relu"), new MaxPooling2D(poolSize: [2, 2]),
        new Conv2D(64, kernelSize: 3, activation: "relu"), new MaxPooling2D(poolSize: [2, 2]), new Flatten(), new Dropout(0.5), new Dense(10)])
    : new([new InputLayer(shape: [784]), new Dense(128, activation: "relu"), new Dense(10)]);
Sequential? last = null;
foreach (var strategy in (DataParallel?[])[null, blocking, overlapped])
{
    RandomGenerator.SetGlobalSeed(2);
    var model = last = Build();
    var loss = new LayerGen.Losses.SparseCategoricalCrossentropy(fromLogits: true);
    if (strategy is not null) model.Compile(strategy, new Adam(), loss: loss);
    else model.Compile(new Adam(), loss: loss);
    // Without a strategy every rank trains on the whole global batch alone; with one, on 1/N of it plus the all-reduce.
    model.Fit(x[0..(2 * batch)], y[0..(2 * batch)], batchSize: batch, epochs: 1, verbose: 0, shuffle: false); // trace, plan, warm up
    comm.Barrier();
    var clock = Stopwatch.StartNew();
    model.Fit(x, y, batchSize: batch, epochs: 1, verbose: 0, shuffle: false);
    comm.Barrier();
    double ms = clock.Elapsed.TotalMilliseconds / steps;
    string how = strategy is null ? "each rank the whole batch alone" : $"{comm.Size} ranks x {batch / comm.Size} rows, all-reduce {(strategy.OverlapsBackward ? "overlapped with the backward pass" : "after the backward pass")}";
    Say(string.Create(inv, $"{modelKind}, global batch {batch}, {how}: {ms:F2} ms/step"));
}
var grads = last!.TrainableVariables.Select(v => (Tensor?)Tensor.Zeros(v.Shape)).ToArray();
long count = grads.Sum(g => (long)g!.Shape.Size);
blocking.AllReduceGradients(grads);
comm.Barrier();
var c2 = Stopwatch.StartNew();
for (int i = 0; i < 50; i++) blocking.AllReduceGradients(grads);
comm.Barrier();
Say(string.Create(inv, $"gradient all-reduce alone ({count:N0} float32 = {count * 4 / 1e6:F2} MB): {c2.Elapsed.TotalMilliseconds / 50:F3} ms"));
return 0;
