// Torch's random generator is process-global (drop path, initialisation): tests that replay
// runs step by step must not share it with tests running alongside.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
