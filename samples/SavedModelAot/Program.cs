// Loads a SavedModel written by SavedModel.Save and runs it. This program never saw the saved class: the
// graphs are re-created from the op registry, so it works published as a NativeAOT binary.
//
//   dotnet publish samples/SavedModelAot -c Release -p:PublishAot=true
//   ./SavedModelAot the_saved_model 2,2,2
//   ./SavedModelAot keras scratch_dir [file.keras]     (.keras and .weights.h5 under NativeAOT: KerasFiles.cs)
using System.Globalization;
using LayerGen;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: SavedModelAot <saved_model_dir> [comma-separated inputs of one row, default 2,2,2]");
    Console.Error.WriteLine("       SavedModelAot keras <scratch_dir> [a .keras file written by Keras]");
    return 2;
}
if (args[0] == "keras" && args.Length >= 2) return KerasFiles.Run(args[1], args.Length > 2 ? args[2] : null);

LoadedModule loaded;
try { loaded = SavedModel.Load(args[0]); }
catch (SavedModelFormatException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}

Console.WriteLine(loaded);
var trainable = new HashSet<Variable>(loaded.TrainableVariables);
foreach (var (path, v) in loaded.NamedVariables)
    Console.WriteLine($"variable {path} {v.Shape} {v.DType.Name()}{(trainable.Contains(v) ? "" : " (non-trainable)")}");
foreach (var name in loaded.FunctionNames)
    foreach (var c in loaded.GetConcreteFunctions(name))
        Console.WriteLine("signature " + c.SignatureText);

float[] row = args.Length > 1
    ? [.. args[1].Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture))]
    : [2f, 2f, 2f];
var x = Tensor.From<float>(row, [1, row.Length]);
try
{
    var y = loaded.Call(x);
    Console.WriteLine($"result {y.Shape}: " + string.Join(" ", y.ToArray<float>().Select(f => f.ToString("R", CultureInfo.InvariantCulture))));

    // Serving: an ExecutionPlan runs the same graph at this input shape with buffers planned once, so
    // repeated predictions allocate nothing. Its output is overwritten by the next run.
    var plan = loaded.Plan(x.Spec);
    var planned = plan.Run(x);
    bool same = planned.ToArray<float>().SequenceEqual(y.ToArray<float>());
    const int Runs = 100_000;
    long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < Runs; i++) plan.Run(x);
    clock.Stop();
    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    Console.WriteLine($"plan {plan.StepCount} steps, same result: {same}, {clock.Elapsed.TotalNanoseconds / Runs:F0} ns per prediction, {allocated / Runs} bytes allocated per prediction");
    return 0;
}
catch (SignatureNotFoundException e)
{
    Console.WriteLine("error: " + e.Message);
    return 3;
}
