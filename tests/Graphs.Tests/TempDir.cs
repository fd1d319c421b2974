namespace LayerGen.Graphs.Tests;

internal sealed class TempDir : IDisposable
{
    public TempDir() { Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "layergen-graphs-" + Guid.NewGuid().ToString("N")[..10]); Directory.CreateDirectory(Path); }
    public string Path { get; }
    public string this[string relative] => System.IO.Path.Combine(Path, relative);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
