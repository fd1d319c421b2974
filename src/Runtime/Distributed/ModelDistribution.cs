using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.Distributed;

/// <summary>
/// <c>model.Compile(..., distribution: strategy)</c>: compiles the model for data-parallel training, so that
/// <c>Fit</c>, <c>Evaluate</c> and the default <c>TrainStep</c> shard batches, average gradients and logs across
/// ranks and keep printing and file writing to rank 0.
/// </summary>
public static class ModelDistribution
{
    extension(Model model)
    {
        /// <summary>Compiles the model (as <c>Compile</c>) and makes <paramref name="distribution"/> its strategy.</summary>
        public void Compile(ITrainingDistribution distribution, Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null)
        {
            ArgumentNullException.ThrowIfNull(distribution);
            var trainer = Trainer.Of(model);
            trainer.Compile(optimizer, loss, metrics);
            trainer.Distribution = distribution;
        }

        /// <summary>
        /// Makes <paramref name="distribution"/> the strategy of the model, compiled before or after with any
        /// <c>Compile</c> overload (several losses, loss weights, metrics per output: a model with several inputs or
        /// outputs). <c>Compile</c> keeps the strategy; null goes back to this process alone.
        /// </summary>
        public void UseDistribution(ITrainingDistribution? distribution) => Trainer.Of(model).Distribution = distribution;

        /// <summary>The data-parallel strategy the model trains with (null: this process alone).</summary>
        public ITrainingDistribution? Distribution => Trainer.Of(model).Distribution;
    }
}
