using System.Text;

namespace LayerGen.SourceGeneration;

/// <summary>
/// Writes C# source line by line with four-space indentation (the way the runtime's <c>SourceWriter</c>
/// and the Toolkit's <c>IndentedTextWriter</c> do): what comes out is what a person reads and steps through.
/// </summary>
internal sealed class IndentedSourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _depth;

    /// <summary>The current indentation depth.</summary>
    public int Depth => _depth;

    /// <summary>Writes one line at the current indentation (an empty line has no trailing spaces).</summary>
    public IndentedSourceWriter WriteLine(string line = "")
    {
        if (line.Length > 0)
            for (int i = 0; i < _depth; i++) _builder.Append(IndentUnit);
        _builder.Append(line).Append('\n');
        return this;
    }

    /// <summary>Writes one line without indentation (preprocessor directives such as <c>#pragma</c>).</summary>
    public IndentedSourceWriter WriteRawLine(string line)
    {
        _builder.Append(line).Append('\n');
        return this;
    }

    /// <summary>Indents the following lines one more level.</summary>
    public void Indent() => _depth++;

    /// <summary>Goes back one level.</summary>
    public void Unindent()
    {
        if (_depth == 0) throw new InvalidOperationException("Unbalanced indentation.");
        _depth--;
    }

    /// <summary>Writes <c>{</c>, indents, and on dispose unindents and writes <c>}</c> (plus <paramref name="closingSuffix"/>).</summary>
    public Scope Block(string closingSuffix = "")
    {
        WriteLine("{");
        Indent();
        return new Scope(this, closingSuffix);
    }

    /// <summary>The text written so far.</summary>
    public override string ToString() => _builder.ToString();

    /// <summary>Closes a <see cref="Block"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly IndentedSourceWriter _writer;
        private readonly string _suffix;

        internal Scope(IndentedSourceWriter writer, string suffix)
        {
            _writer = writer;
            _suffix = suffix;
        }

        public void Dispose()
        {
            _writer.Unindent();
            _writer.WriteLine("}" + _suffix);
        }
    }
}
