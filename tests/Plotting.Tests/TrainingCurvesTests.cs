using System.Buffers.Binary;
using System.Xml.Linq;
using LayerGen.Callbacks;
using LayerGen.Optimizers;
using SkiaSharp;

namespace LayerGen.Plotting.Tests;

/// <summary>Training curves from a <see cref="History"/> as SVG and PNG.</summary>
public sealed class TrainingCurvesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lg-curves").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static History FakeHistory(int epochs = 5, bool validation = true)
    {
        var history = new History();
        for (int e = 0; e < epochs; e++)
        {
            var logs = new Dictionary<string, double> { ["loss"] = 1.0 / (e + 1), ["accuracy"] = 0.5 + 0.08 * e };
            if (validation) { logs["val_loss"] = 1.2 / (e + 1) + 0.05 * e; logs["val_accuracy"] = 0.45 + 0.07 * e; }
            history.OnEpochEnd(e, logs);
        }
        return history;
    }

    private static XNamespace Svg => "http://www.w3.org/2000/svg";

    private static List<string> SvgTexts(XDocument doc) =>
        [.. doc.Descendants(Svg + "text").Select(t => t.Value.Trim()).Where(t => t.Length > 0)];

    [Fact]
    public void SvgIsWellFormedAndNamesEverySeries()
    {
        var svg = TrainingCurves.ToSvg(FakeHistory());
        Assert.Equal(2, TrainingCurves.PlotCount(FakeHistory()));
        var doc = XDocument.Parse(svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        // Two panels (loss, accuracy) side by side, 480 x 360 each.
        Assert.Equal("960", (string?)doc.Root.Attribute("width"));
        Assert.Equal("360", (string?)doc.Root.Attribute("height"));
        var texts = SvgTexts(doc);
        foreach (var name in new[] { "loss", "val_loss", "accuracy", "val_accuracy", "epoch" })
            Assert.Contains(name, texts);
        // Each curve is a path: four curves, plus axes and grid lines.
        Assert.True(doc.Descendants(Svg + "path").Count() >= 4);
    }

    [Fact]
    public void MetricsChooseThePanels()
    {
        var svg = TrainingCurves.ToSvg(FakeHistory(), new TrainingCurvesOptions { Metrics = ["loss"], Width = 500, Height = 300 });
        var doc = XDocument.Parse(svg);
        Assert.Equal("500", (string?)doc.Root!.Attribute("width"));
        Assert.Equal(1, TrainingCurves.PlotCount(FakeHistory(), new TrainingCurvesOptions { Metrics = ["loss"] }));
        var texts = SvgTexts(doc);
        Assert.Contains("val_loss", texts);
        Assert.DoesNotContain("accuracy", texts);
        Assert.DoesNotContain("val_accuracy", texts);
    }

    [Fact]
    public void ManyQuantitiesWrapIntoRowsOfThree()
    {
        var history = new History();
        for (int e = 0; e < 3; e++)
            history.OnEpochEnd(e, new Dictionary<string, double> { ["loss"] = 1 - 0.1 * e, ["accuracy"] = 0.5, ["mae"] = 0.3, ["learning_rate"] = 0.01 / (e + 1) });
        Assert.Equal(4, TrainingCurves.PlotCount(history));
        var doc = XDocument.Parse(TrainingCurves.ToSvg(history));
        Assert.Equal("1440", (string?)doc.Root!.Attribute("width"));
        Assert.Equal("720", (string?)doc.Root.Attribute("height"));
        Assert.Contains("learning_rate", SvgTexts(doc));
        var png = TrainingCurves.ToPng(history, new TrainingCurvesOptions { MaxColumns = 2 });
        Assert.Equal(960, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(720, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public void PngHasASignatureSaneSizeAndDrawnCurves()
    {
        var png = TrainingCurves.ToPng(FakeHistory());
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        // The IHDR chunk comes first: its width and height, big-endian.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(960, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(360, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.InRange(png.Length, 10_000, 2_000_000);

        // Decoded, the picture has the first curve's colour (ScottPlot's blue) and dark text pixels on white.
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(960, bitmap.Width);
        int blue = 0, dark = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Blue > 150 && c.Red < 80) blue++;
                if (c.Red < 60 && c.Green < 60 && c.Blue < 60) dark++;
            }
        Assert.True(blue > 200, $"{blue} blue pixels");
        Assert.True(dark > 500, $"{dark} dark pixels (text and axes)");
    }

    [Fact]
    public void SaveAndPlotToWriteByExtension()
    {
        var history = FakeHistory(3);
        string svg = TrainingCurves.Save(history, Path.Combine(_dir, "sub", "curves.svg"));
        Assert.StartsWith("<?xml", File.ReadAllText(svg));
        string png = history.PlotTo(Path.Combine(_dir, "curves.png"));
        Assert.Equal(0x89, File.ReadAllBytes(png)[0]);
        var e = Assert.Throws<ArgumentException>(() => history.PlotTo(Path.Combine(_dir, "curves.jpg")));
        Assert.Contains(".svg or .png", e.Message);
    }

    [Fact]
    public void BadHistoriesAreRefusedWithTheirKeys()
    {
        var empty = Assert.Throws<ArgumentException>(() => TrainingCurves.ToSvg(new History()));
        Assert.Contains("no epochs", empty.Message);
        var unknown = Assert.Throws<ArgumentException>(() => TrainingCurves.ToSvg(FakeHistory(), new TrainingCurvesOptions { Metrics = ["mae"] }));
        Assert.Contains("no 'mae'", unknown.Message);
        Assert.Contains("val_accuracy", unknown.Message);
    }

    [Fact]
    public void NonFiniteValuesAreLeftOutAndValidationIsOptional()
    {
        var history = FakeHistory(4, validation: false);
        history.Values["loss"][2] = double.NaN;
        var panels = TrainingCurves.Panels(history, null);
        Assert.Equal(["loss", "accuracy"], panels.Select(p => p.Title));
        var loss = Assert.Single(panels[0].Curves);
        Assert.Equal("loss", loss.Name);
        Assert.Equal([1.0, 2.0, 4.0], loss.Epochs);
        XDocument.Parse(TrainingCurves.ToSvg(history));
    }

    [Fact]
    public void CurvesOfARealFit()
    {
        RandomGenerator.SetGlobalSeed(7);
        var x = Tensor.RandomNormal([64, 3]);
        var y = Ops.Sum(x, axis: 1, keepDims: true);
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(8, activation: "relu"), new Dense(1)]);
        model.Compile(new Adam(learningRate: 0.01), "mse", ["mae"]);
        var history = model.Fit(x, y, batchSize: 16, epochs: 3, validationSplit: 0.25, verbose: 0);
        var texts = SvgTexts(XDocument.Parse(TrainingCurves.ToSvg(history)));
        foreach (var name in new[] { "loss", "val_loss", "mae", "val_mae" })
            Assert.Contains(name, texts);
    }
}
