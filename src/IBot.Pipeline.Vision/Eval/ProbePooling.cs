namespace IBot.Pipeline.Vision.Eval;

/// <summary>Which tokens a supervised protocol reads (the reference's <c>avgpool_patchtokens</c>).</summary>
public enum ProbePooling
{
    /// <summary>The [CLS] tokens of the last n blocks, each through the final norm (0; iBOT's ViT-S).</summary>
    Cls,

    /// <summary>Those [CLS] tokens and the mean of the last block's patch tokens (2; iBOT's ViT-B/L).</summary>
    ClsAvgpool,

    /// <summary>The mean of the last block's patch tokens only (1; BEiT-style models).</summary>
    Avgpool,
}

