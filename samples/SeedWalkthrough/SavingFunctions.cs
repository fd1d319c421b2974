using LayerGen;

namespace SeedWalkthrough;

// @tf.function
// def __call__(self, x): ...
// print(my_model([[2.0, 2.0, 2.0]]))
// print(my_model([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]))
//
// logdir = "logs/func/%s" % stamp
// writer = tf.summary.create_file_writer(logdir)
// new_model = MySequentialModule()
// tf.summary.trace_on(graph=True)
// z = print(new_model(tf.constant([[2.0, 2.0, 2.0]])))
// with writer.as_default():
//   tf.summary.trace_export(name="my_func_trace", step=0, profiler_outdir=logdir)

/// <summary>"Saving functions": a traced function is a graph per input signature, which runs without the C# class.</summary>
internal static class SavingFunctions
{
    public static TensorFunction Run(SequentialModule myModel, string workDir)
    {
        // You have made a model with a graph! Each new signature traces a new graph.
        var call = TensorFunction.Trace(myModel.Call);
        Console.WriteLine(call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } })));
        Console.WriteLine(call.Invoke(Tensor.From(new[,,] { { { 2f, 2f, 2f }, { 2f, 2f, 2f } } })));
        Console.WriteLine($"traced {call.TraceCount} graphs: " + string.Join("; ", call.ConcreteFunctions.Select(f => f.SignatureText)));
        Console.WriteLine("graph ops: " + string.Join(", ", call.ConcreteFunctions[0].Graph.OpNodes.Select(n => n.Op!.Name)));

        // Visualize the graph: a fresh model and a fresh trace, written to a TensorBoard log directory
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string logdir = Path.Combine(workDir, "logs", "func", stamp);
        var newModel = new SequentialModule();
        var newCall = TensorFunction.Trace(newModel.Call);
        Console.WriteLine(newCall.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } })));
        string events = newCall.ConcreteFunctions[0].Graph.WriteToTensorBoard(logdir);
        Console.WriteLine("TensorBoard graph: " + Path.GetRelativePath(workDir, events).Replace('\\', '/'));
        Console.WriteLine("  tensorboard --logdir logs/func   (the Graphs tab)");

        // ... and as a picture: Graphviz DOT (dot -Tsvg call.dot -o call.svg)
        string dot = Path.Combine(workDir, "call.dot");
        File.WriteAllText(dot, newCall.ConcreteFunctions[0].Graph.ToDot("call"));
        Console.WriteLine($"Graphviz: call.dot ({File.ReadLines(dot).Count()} lines)");
        return call;
    }
}
