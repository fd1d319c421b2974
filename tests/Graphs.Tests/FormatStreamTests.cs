using LayerGen.Formats;

namespace LayerGen.Graphs.Tests;

/// <summary>ONNX export and TensorBoard event files take streams; SavedModel and ONNX errors share the format exception base.</summary>
public class FormatStreamTests
{
    private static Graph TracedGraph()
    {
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        return call.ConcreteFunctions[0].Graph;
    }

    [Fact]
    public void OnnxExportWritesTheModelBytesToAStreamAndAFile()
    {
        using var dir = new TempDir();
        var graph = TracedGraph();
        var ms = new MemoryStream();
        ms.Write([9, 9]);
        OnnxExport.Save(graph, ms, "call");
        var expected = OnnxExport.ToBytes(graph, "call");
        Assert.Equal(expected, ms.ToArray()[2..]);
        OnnxExport.Save(graph, dir["call.onnx"], "call");
        Assert.Equal(expected, File.ReadAllBytes(dir["call.onnx"]));
        var viaGraph = new MemoryStream();
        graph.SaveOnnx(viaGraph, "call");
        Assert.Equal(expected, viaGraph.ToArray());
    }

    [Fact]
    public void TensorBoardGraphGoesIntoAStream()
    {
        var graph = TracedGraph();
        var ms = new MemoryStream();
        GraphTensorBoard.Write(graph, ms, step: 2);
        ms.Position = 0;
        var records = EventFileReader.ReadRecords(ms);
        Assert.Equal(2, records.Count);                  // file_version, then the graph
        Assert.Equal([0x10, 2], records[1][9..11]);      // step 2 (field 2, varint) after wall_time
        Assert.Equal(0x22, records[1][11]);              // then graph_def (field 4, length-delimited)
        Assert.Contains("MatMul", System.Text.Encoding.UTF8.GetString(records[1]));
    }

    [Fact]
    public void EventFileRoundTripsThroughAStream()
    {
        var ms = new MemoryStream();
        using (var writer = new EventFileWriter(ms, leaveOpen: true))
        {
            Assert.Null(writer.FilePath);
            writer.AddScalar("loss", 0.5f, step: 3);
            writer.AddGraphDef(GraphTensorBoard.ToGraphDef(TracedGraph()));
        }
        ms.Position = 0;
        var records = EventFileReader.ReadRecords(ms);
        Assert.Equal(3, records.Count);                  // file_version, the scalar, the graph
        Assert.Contains("brain.Event:2", System.Text.Encoding.UTF8.GetString(records[0]));
        Assert.Contains("loss", System.Text.Encoding.UTF8.GetString(records[1]));
        var damaged = ms.ToArray();
        damaged[^2] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => EventFileReader.ReadRecords(new MemoryStream(damaged)));
    }

    [Fact]
    public void DamagedSavedModelIsALayerGenFormatException()
    {
        using var dir = new TempDir();
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        SavedModel.Save(m, dir["model"], call);
        File.WriteAllText(Path.Combine(dir["model"], SavedModel.ManifestFile), "{ truncated");
        var ex = Assert.ThrowsAny<LayerGenFormatException>(() => SavedModel.Load(dir["model"]));
        Assert.IsType<SavedModelFormatException>(ex);
    }

    [Fact]
    public void OnnxExportErrorsAreLayerGenFormatExceptions()
    {
        var graph = Graph.Trace(p => [OpRunner.Run(new GatherGradOp(0), p)], [new(new Shape(2, 3), DType.Float32), new(new Shape(2), DType.Int32), new(new Shape(4, 3), DType.Float32)]);
        var ex = Assert.ThrowsAny<LayerGenFormatException>(() => OnnxExport.Save(graph, new MemoryStream()));
        Assert.IsType<OnnxExportException>(ex);
    }
}
