// LayerGen SequenceClassifier: two sequence models.
//  1. "rows": Fashion-MNIST images read row by row as 28-step sequences of 28 pixels, classified by an LSTM (the
//     classic Keras RNN example). Trains with Keras's progress bar, evaluates on the test set, saves
//     sequence_classifier.keras and reloads it (same predictions).
//  2. "text": a character-level model (Embedding -> GRU -> Dense softmax) that learns to predict the next character of
//     a text file (by default the GPL that Debian installs on every machine), saves char_model.keras, reloads it, and
//     writes a few lines sampled at several temperatures (seeded).
//
//   dotnet run -c Release --project samples/SequenceClassifier [-- --part rows|text|both] [--epochs N]
//       [--train-samples N] [--data DIRECTORY] [--text FILE] [--text-epochs N] [--max-chars N] [--sample-chars N]
using System.Globalization;
using LayerGen;
using SequenceClassifier;

var rows = new RowSequenceOptions();
var text = new CharModelOptions();
string part = "both";
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    switch (args[i])
    {
        case "--part": part = value; break;
        case "--epochs": rows.Epochs = Int(value); break;
        case "--train-samples": rows.TrainSamples = Int(value); break;
        case "--data": rows.DataDirectory = value; break;
        case "--text": text.TextFile = value; break;
        case "--text-epochs": text.Epochs = Int(value); break;
        case "--max-chars": text.MaxChars = Int(value); break;
        case "--sample-chars": text.SampleChars = Int(value); break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]} (use --part rows|text|both, --epochs N, --train-samples N, --data DIRECTORY, "
                + "--text FILE, --text-epochs N, --max-chars N, --sample-chars N)");
            return 2;
    }
}
if (part is not ("rows" or "text" or "both")) { Console.Error.WriteLine($"--part must be rows, text or both, got {part}"); return 2; }
RandomGenerator.SetGlobalSeed(17);

bool ok = true;
if (part is "rows" or "both")
{
    int code = RowSequences.Run(rows);
    if (code == 1 && rows.DataMissing) return 1;
    ok &= code == 0;
}
if (part is "text" or "both")
    ok &= CharModel.Run(text) == 0;

// The run fails only when a saved model does not predict what the trained model predicts.
Console.WriteLine(ok ? "OK" : "FAILED: a reloaded model does not predict what the trained model predicts");
return ok ? 0 : 1;

static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
