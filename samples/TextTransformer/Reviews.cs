/// <summary>
/// The task: one-line "reviews" made from a small vocabulary ("the plot was not very good"), labelled positive or
/// negative. The label is the adjective's sentiment flipped by a negation ("not", "never", "hardly") anywhere before
/// it, so a model must relate words to each other: a bag-of-words linear classifier cannot learn this XOR. Seeded, so
/// every run makes the same sentences.
/// </summary>
public static class Reviews
{
    /// <summary>Token id 0 pads a sentence to <see cref="SequenceLength"/>.</summary>
    public const int SequenceLength = 10;

    private static readonly string[] Determiners = ["the", "this", "that", "my"];
    private static readonly string[] Nouns = ["movie", "film", "show", "book", "plot", "acting", "music", "ending", "story", "cast"];
    private static readonly string[] Verbs = ["was", "is", "felt", "seemed", "looked", "sounded"];
    private static readonly string[] Negations = ["not", "never", "hardly"];
    private static readonly string[] Intensifiers = ["very", "really", "quite", "so", "truly"];
    private static readonly string[] Fillers = ["honestly", "overall", "frankly", "again"];
    private static readonly string[] Positive = ["good", "great", "wonderful", "fun", "brilliant", "lovely", "clever", "moving"];
    private static readonly string[] Negative = ["bad", "awful", "boring", "dull", "terrible", "weak", "silly", "bland"];

    /// <summary>Every word, in id order; id 0 is the padding "&lt;pad&gt;".</summary>
    public static readonly string[] Vocabulary =
        ["<pad>", .. Determiners, .. Nouns, .. Verbs, .. Negations, .. Intensifiers, .. Fillers, .. Positive, .. Negative];

    private static readonly Dictionary<string, int> Ids = Vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);

    /// <summary><paramref name="count"/> sentences: token ids <c>(count, SequenceLength)</c> int32, labels <c>(count)</c> int32 (1 positive).</summary>
    public static (Tensor Tokens, Tensor Labels, string[] Text) Make(int count, int seed)
    {
        var random = new Random(seed);
        var ids = new int[count * SequenceLength];
        var labels = new int[count];
        var text = new string[count];
        for (int n = 0; n < count; n++)
        {
            var words = new List<string>();
            if (random.Next(4) == 0) words.Add(Pick(random, Fillers));
            words.Add(Pick(random, Determiners));
            words.Add(Pick(random, Nouns));
            words.Add(Pick(random, Verbs));
            bool negated = random.Next(2) == 0;
            if (negated) words.Add(Pick(random, Negations));
            if (random.Next(2) == 0) words.Add(Pick(random, Intensifiers));
            bool positive = random.Next(2) == 0;
            words.Add(Pick(random, positive ? Positive : Negative));
            labels[n] = positive != negated ? 1 : 0;
            text[n] = string.Join(' ', words);
            for (int t = 0; t < words.Count; t++) ids[n * SequenceLength + t] = Ids[words[t]];
        }
        return (Tensor.From<int>(ids, [count, SequenceLength]), Tensor.From<int>(labels, [count]), text);
    }

    /// <summary>The ids of <paramref name="sentence"/> (unknown words are dropped), padded; (1, SequenceLength) int32.</summary>
    public static Tensor Encode(string sentence)
    {
        var ids = new int[SequenceLength];
        int t = 0;
        foreach (var word in sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (t < SequenceLength && Ids.TryGetValue(word, out int id)) ids[t++] = id;
        return Tensor.From<int>(ids, [1, SequenceLength]);
    }

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];
}
