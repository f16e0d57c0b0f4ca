namespace IBot.Pipeline.Vision.Loss;

/// <summary>iBOT loss hyper-parameters (reference argument names in brackets).</summary>
/// <param name="OutDim">[CLS] output width [out_dim].</param>
/// <param name="PatchOutDim">Patch output width [patch_out_dim].</param>
/// <param name="GlobalCrops">Global crops [global_crops_number]; 2.</param>
/// <param name="LocalCrops">Local crops [local_crops_number]; 10 in the paper, 0 allowed.</param>
/// <param name="WarmupTeacherTemp">Initial [CLS] teacher temperature [warmup_teacher_temp]; 0.04.</param>
/// <param name="TeacherTemp">Final [CLS] teacher temperature [teacher_temp]; 0.04–0.07.</param>
/// <param name="WarmupTeacherPatchTemp">Initial patch teacher temperature [warmup_teacher_patch_temp]; 0.04.</param>
/// <param name="TeacherPatchTemp">Final patch teacher temperature [teacher_patch_temp]; 0.07.</param>
/// <param name="WarmupTeacherTempEpochs">Temperature warm-up length [warmup_teacher_temp_epochs]; 30.</param>
/// <param name="Epochs">Training epochs, the schedule's length.</param>
/// <param name="StudentTemp">Student temperature; 0.1.</param>
/// <param name="CenterMomentum">EMA of the [CLS] center; 0.9.</param>
/// <param name="CenterMomentum2">EMA of the patch center; 0.9.</param>
/// <param name="Lambda1">Weight of the [CLS] self-distillation [lambda1]; 1.</param>
/// <param name="Lambda2">Weight of masked-patch self-distillation [lambda2]; 1.</param>
/// <param name="MimStartEpoch">Epoch masked modelling starts [pred_start_epoch]; 0.</param>
public sealed record IBotLossOptions(
    int OutDim,
    int PatchOutDim,
    int GlobalCrops,
    int LocalCrops,
    double WarmupTeacherTemp,
    double TeacherTemp,
    double WarmupTeacherPatchTemp,
    double TeacherPatchTemp,
    int WarmupTeacherTempEpochs,
    int Epochs,
    double StudentTemp = 0.1,
    double CenterMomentum = 0.9,
    double CenterMomentum2 = 0.9,
    double Lambda1 = 1.0,
    double Lambda2 = 1.0,
    int MimStartEpoch = 0);
