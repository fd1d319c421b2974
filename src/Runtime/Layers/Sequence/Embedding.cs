using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Embedding</c>: turns int32/int64 ids of shape <c>(batch, ...)</c> into rows of the table
/// <c>embeddings</c> (input_dim, output_dim), output <c>(batch, ..., output_dim)</c>. With <c>maskZero</c> id 0
/// is padding: the output carries the mask <c>ids != 0</c> (see <see cref="KerasMask"/>). Float ids and ids outside
/// <c>[0, input_dim)</c> are refused (<see cref="DTypeMismatchException"/>, <see cref="IdOutOfRangeException"/>)
/// instead of Keras's silent cast and out-of-range read. The gradient goes through <c>Gather</c>, whose gradient
/// scatter-adds the rows into a table-sized tensor.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Embedding
{
    private readonly int inputDim;
    private readonly int outputDim;
    private readonly Initializer embeddingsInitializer;
    private readonly Regularizer? embeddingsRegularizer;
    private readonly Constraint? embeddingsConstraint;
    private readonly bool maskZero;
    private readonly JsonObject? quantizationConfig;
    private Variable? embeddings;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="inputDim">Size of the vocabulary: ids are in <c>[0, inputDim)</c>.</param>
    /// <param name="outputDim">Size of each embedding row.</param>
    /// <param name="embeddingsInitializer">Default <c>RandomUniform(-0.05, 0.05)</c> (Keras's <c>"uniform"</c>).</param>
    /// <param name="embeddingsRegularizer">Penalty on the table.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="embeddingsConstraint">Projection of the table after updates.</param>
    /// <param name="maskZero">Whether id 0 is padding (the output gets the mask <c>ids != 0</c>); id 0 still has a row.</param>
    /// <param name="quantizationConfig">Kept for config compatibility; quantization is not supported.</param>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null, Regularizer? embeddingsRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? embeddingsConstraint = null, bool maskZero = false, JsonObject? quantizationConfig = null)
    {
        if (inputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"Received an invalid value for `input_dim`, expected a positive integer. Received: input_dim={inputDim}");
        if (outputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputDim), $"Received an invalid value for `output_dim`, expected a positive integer. Received: output_dim={outputDim}");
        if (quantizationConfig is not null) throw new NotSupportedException("Embedding: quantization is not supported.");
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.embeddingsInitializer = embeddingsInitializer ?? Initializers.RandomUniform();
        this.embeddingsRegularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        this.embeddingsConstraint = embeddingsConstraint;
        this.maskZero = maskZero;
        this.quantizationConfig = quantizationConfig;
        InputSpec = null;
    }

    /// <summary>Size of the vocabulary.</summary>
    public int InputDim => inputDim;

    /// <summary>Size of each row.</summary>
    public int OutputDim => outputDim;

    /// <summary>Whether id 0 is padding.</summary>
    public bool MaskZero => maskZero;

    /// <summary>The table, once built.</summary>
    public Variable? Embeddings => embeddings;

    /// <summary>Masks flow on when <c>maskZero</c> (Keras: <c>supports_masking = mask_zero</c>).</summary>
    public override bool SupportsMasking => maskZero;

    /// <summary><c>ids != 0</c> when <c>maskZero</c>, else null.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? previousMask)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!maskZero) return null;
        return Ops.NotEqual(inputs, Tensor.Scalar(0, inputs.DType));
    }

    /// <summary>Creates <c>embeddings</c> (input_dim, output_dim).</summary>
    protected void Build(Shape inputShape)
    {
        embeddings = AddWeight("embeddings", [inputDim, outputDim], embeddingsInitializer, regularizer: embeddingsRegularizer, constraint: embeddingsConstraint);
        InputSpec = null;
    }

    /// <summary>The rows of the table at the ids.</summary>
    protected Tensor Call(Tensor inputs)
    {
        if (!inputs.DType.IsInteger())
        {
            // A symbolic float input (a Keras file whose Input kept the default float32) still builds; real
            // float ids are refused rather than silently truncated.
            if (inputs.IsSymbolic)
                return Tensor.Placeholder(inputs.Shape.Append(outputDim), DType);
            throw new DTypeMismatchException($"Embedding layer \"{Name}\"", $"expected int32 or int64 ids, got {inputs.DType.Name()} with shape {inputs.Shape}; cast the ids first (Ops.Cast(ids, DType.Int32)).");
        }
        if (!inputs.IsSymbolic) CheckIds(inputs);
        // The Gather carries the layer's name, so a traced or planned step (where the ids are only known when the
        // kernel runs) throws the same IdOutOfRangeException as the eager check above.
        return OpRunner.Run(new GatherOp(0, Name), embeddings!, inputs);
    }

    private void CheckIds(Tensor ids)
    {
        long bad = -1;
        int at = -1;
        if (ids.DType == DType.Int64)
        {
            var s = ids.AsSpan<long>();
            for (int i = 0; i < s.Length; i++) if ((ulong)s[i] >= (ulong)inputDim) { bad = s[i]; at = i; break; }
        }
        else
        {
            var s = ids.AsSpan<int>();
            for (int i = 0; i < s.Length; i++) if ((uint)s[i] >= (uint)inputDim) { bad = s[i]; at = i; break; }
        }
        if (at < 0) return;
        var position = new int[ids.Rank];
        for (int k = ids.Rank - 1, rest = at; k >= 0; k--)
        {
            position[k] = rest % ids.Shape[k];
            rest /= ids.Shape[k];
        }
        throw new IdOutOfRangeException(Name, bad, position, inputDim);
    }
}
