namespace IBot.Pipeline.Vision.Train;

/// <summary>A parameter group and the factor its learning rate is multiplied by.</summary>
public sealed record ScaledGroup(ParameterGroup Group, int LayerId, double LearningRateScale);
