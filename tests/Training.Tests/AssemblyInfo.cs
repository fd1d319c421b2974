// Training tests set and draw from the global RandomGenerator (RandomGenerator.SetGlobalSeed, Fit's shuffle seed,
// layers seeded from it) and compare runs bit for bit: run the classes one after another, so one class's draws
// never land between another's seeding and its Fit.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
