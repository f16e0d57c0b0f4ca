using System.Diagnostics;

namespace IBot.Pipeline.Vision.Train;

/// <summary>Where a training step's time goes, accumulated over steps (benchmarks only: timing
/// needs a device synchronisation at each phase boundary, which the training loop avoids).</summary>
public sealed class StepTimings(Action synchronize)
{
    private readonly Stopwatch watch = new();

    public double DataWait { get; set; }
    public double Forward { get; private set; }
    public double Backward { get; private set; }
    public double OptimizerStep { get; private set; }
    public double Ema { get; private set; }
    public int Steps { get; set; }

    public double Total => DataWait + Forward + Backward + OptimizerStep + Ema;

    internal void Start()
    {
        synchronize();
        watch.Restart();
    }

    /// <summary>Ends the current phase, adding its duration to <paramref name="phase"/>.</summary>
    internal void Lap(Phase phase)
    {
        synchronize();
        var seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        switch (phase)
        {
            case Phase.Forward: Forward += seconds; break;
            case Phase.Backward: Backward += seconds; break;
            case Phase.Step: OptimizerStep += seconds; break;
            case Phase.Ema: Ema += seconds; break;
        }
    }

    /// <summary>Ends a phase in which forward and backward ran together (the shards of a data-parallel
    /// step), splitting its duration by the shards' mean forward share.</summary>
    internal void LapForwardBackward(double forwardShare)
    {
        synchronize();
        var seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        Forward += seconds * forwardShare;
        Backward += seconds * (1 - forwardShare);
    }

    internal enum Phase
    {
        Forward,
        Backward,
        Step,
        Ema,
    }
}
