using System.Text;
using LayerGen.Formats;

namespace LayerGen.Graphs.Tests;

public class TensorBoardGraphTests
{
    [Fact]
    public void TraceExportWritesAGraphDefEvent()
    {
        using var dir = new TempDir();
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        var file = call.ConcreteFunctions[0].Graph.WriteToTensorBoard(dir["logs/func"]);

        var records = EventFileReader.ReadRecords(file);
        Assert.Equal(2, records.Count);                 // file_version, then the graph
        var ev = records[1];
        Assert.Equal(0x09, ev[0]);                      // wall_time (field 1, 64-bit)
        Assert.Equal(0x22, ev[9]);                      // graph_def (field 4, length-delimited)
        var text = Encoding.UTF8.GetString(ev);
        foreach (var s in new[] { "Placeholder", "VarHandleOp", "MatMul", "Relu", "_output_shapes", "transpose_a" })
            Assert.Contains(s, text);
    }

    [Fact]
    public void GraphDefNamesVariablesByModulePath()
    {
        var m = new SequentialModule();
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        var paths = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        foreach (var (p, v) in m.NamedVariables) paths[v] = p;
        var def = GraphTensorBoard.ToGraphDef(call.ConcreteFunctions[0].Graph, v => paths[v]);
        var text = Encoding.UTF8.GetString(def);
        Assert.Contains("dense1/w", text);
        Assert.Contains("dense2/b", text);
    }

    [Fact]
    public void GraphDefDecodesToTheGraphsNodes()
    {
        var m = new SequentialModule();
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        var graph = call.ConcreteFunctions[0].Graph;
        var nodes = Fields(GraphTensorBoard.ToGraphDef(graph)).Where(f => f.Field == 1).Select(f => Fields(f.Bytes!)).ToList();
        Assert.Equal(graph.Nodes.Count, nodes.Count);
        for (int i = 0; i < nodes.Count; i++)
        {
            var n = graph.Nodes[i];
            Assert.Equal(n.Name, Encoding.UTF8.GetString(nodes[i].Single(f => f.Field == 1).Bytes!));
            string op = Encoding.UTF8.GetString(nodes[i].Single(f => f.Field == 2).Bytes!);
            Assert.Equal(n.Op?.Name ?? (n.Kind == GraphNodeKind.Input ? "Placeholder" : "VarHandleOp"), op);
            var inputs = nodes[i].Where(f => f.Field == 3).Select(f => Encoding.UTF8.GetString(f.Bytes!));
            Assert.Equal(n.Inputs.Select(j => graph.Nodes[j].Name), inputs);
        }
    }

    /// <summary>Decodes one level of a protobuf message (varint and length-delimited fields; 32/64-bit skipped).</summary>
    private static List<(int Field, ulong Value, byte[]? Bytes)> Fields(byte[] data)
    {
        var list = new List<(int, ulong, byte[]?)>();
        int pos = 0;
        ulong Varint()
        {
            ulong v = 0; int shift = 0;
            while (true) { byte b = data[pos++]; v |= (ulong)(b & 0x7F) << shift; if (b < 0x80) return v; shift += 7; }
        }
        while (pos < data.Length)
        {
            ulong tag = Varint();
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0: list.Add((field, Varint(), null)); break;
                case 1: pos += 8; list.Add((field, 0, null)); break;
                case 5: pos += 4; list.Add((field, 0, null)); break;
                case 2: int len = (int)Varint(); list.Add((field, 0, data[pos..(pos + len)])); pos += len; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
        return list;
    }
}
