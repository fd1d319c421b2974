namespace SequenceClassifier;

/// <summary>Options of the character-level text model.</summary>
public sealed class CharModelOptions
{
    /// <summary>The text to learn (the GPL version 3, installed by Debian's base-files on every machine, by default).</summary>
    public string TextFile { get; set; } = "/usr/share/common-licenses/GPL-3";

    /// <summary>Training epochs.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Only the first this many characters of the file are used.</summary>
    public int MaxChars { get; set; } = 40000;

    /// <summary>How many characters each sampled passage has.</summary>
    public int SampleChars { get; set; } = 200;
}
