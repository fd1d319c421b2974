using System.Text;
using System.Text.Json;

namespace LayerGen.Formats;

/// <summary>
/// A loop op's body (<see cref="ScanOp.Body"/>) as text in its <c>body</c> attribute: the body graph in the graph file
/// format (<see cref="GraphJson"/>). Bodies hold only input and op nodes (what they capture is an input of the op), so
/// no variable paths are needed. Registered with the op when the runtime loads.
/// </summary>
internal static class ScanBodyJson
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        ScanOp.BodyWriter = Write;
        ScanOp.BodyReader = Read;
    }
#pragma warning restore CA2255

    private static string Write(Graph body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
            GraphJson.Write(w, body, "scan_body", v => throw new InvalidOperationException($"Scan: the body captures variable '{v.Name}'; it should be an input of the op."));
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static Graph Read(string json) => GraphJson.Read(Encoding.UTF8.GetBytes(json), "Scan body", new Dictionary<string, Variable>());
}
