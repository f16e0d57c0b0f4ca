using IBot.Pipeline.Vision.Eval;
using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using Mono.Cecil;
using Mono.Cecil.Cil;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Runtime;

/// <summary>
/// Every native Scalar the code passes to libtorch must stay reachable until the call returns (see
/// <c>Runtime/Scalars</c>): no implicit number-to-Scalar conversions, no TorchSharp overload that
/// makes a Scalar inside and drops it (<c>a.add(b)</c>, <c>a + b</c>, <c>arange(n)</c>, …), and every
/// <c>ToScalar()</c> held in a static readonly field or in a local that is disposed. The compiled
/// code is scanned, so a new call site cannot slip in unnoticed.
/// </summary>
public sealed class ScalarLifetimeTests
{
    private static bool MakesScalar(MethodReference m) =>
        (m.DeclaringType.FullName == "TorchSharp.Scalar" && m.Name == "op_Implicit") ||
        (m.DeclaringType.FullName == "TorchSharp.ScalarExtensionMethods" && m.Name == "ToScalar");

    /// <summary>TorchSharp methods that make a Scalar inside, directly or through another such method.</summary>
    private static HashSet<string> TemporaryScalarMakers()
    {
        using var torchSharp = AssemblyDefinition.ReadAssembly(typeof(Tensor).Assembly.Location);
        var methods = torchSharp.MainModule.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody)
            .Select(m => (Name: m.FullName, Calls: m.Body.Instructions.Select(i => i.Operand).OfType<MethodReference>().ToArray()))
            .ToArray();
        var makers = methods.Where(m => m.Calls.Any(MakesScalar)).Select(m => m.Name).ToHashSet();
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var m in methods)
                if (!makers.Contains(m.Name) && m.Calls.Any(c => makers.Contains(c.FullName)))
                    grown = makers.Add(m.Name);
        }
        return makers;
    }

    [Fact]
    public void Torch_calls_get_only_scalars_that_outlive_them()
    {
        var makers = TemporaryScalarMakers();
        Assert.Contains(makers, m => m.Contains("Tensor::add(TorchSharp.torch/Tensor)", StringComparison.Ordinal)); // the scan sees TorchSharp's own temporaries

        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "IBot.*.dll")
            .Where(p => !Path.GetFileName(p).Contains(".Tests", StringComparison.Ordinal)).ToArray();
        Assert.Contains(assemblies, p => Path.GetFileName(p) == "IBot.Pipeline.Vision.dll");
        // Plugins that call libtorch are scanned too: the test project references them, so they sit beside it.
        Assert.Contains(assemblies, p => Path.GetFileName(p) == "IBot.Plugins.Swin.dll");
        Assert.Contains(assemblies, p => Path.GetFileName(p) == "IBot.Plugins.KoLeo.dll");
        var problems = new List<string>();
        var heldScalars = 0;
        foreach (var path in assemblies)
        {
            var symbols = File.Exists(Path.ChangeExtension(path, ".pdb"));
            using var assembly = AssemblyDefinition.ReadAssembly(path, new ReaderParameters { ReadSymbols = symbols });
            foreach (var method in assembly.MainModule.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
                foreach (var call in method.Body.Instructions.Where(i => i.Operand is MethodReference))
                {
                    var target = (MethodReference)call.Operand;
                    string? problem = null;
                    if (target.DeclaringType.FullName == "TorchSharp.Scalar" && target.Name == "op_Implicit")
                        problem = $"converts a {target.Parameters[0].ParameterType.Name} to a temporary Scalar";
                    else if (MakesScalar(target))
                    {
                        if (Held(method, call)) heldScalars++;
                        else problem = "makes a Scalar with ToScalar() that is neither disposed after use nor static readonly";
                    }
                    else if (makers.Contains(target.FullName))
                        problem = $"calls {target.DeclaringType.Name}::{target.Name}({string.Join(", ", target.Parameters.Select(p => p.ParameterType.Name))}), which makes a temporary Scalar inside";
                    if (problem is not null) problems.Add($"{Where(method, call)}: {problem}");
                }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} call(s) can hand libtorch a Scalar the garbage collector may free mid-call:\n" + string.Join("\n", problems));
        Assert.True(heldScalars > 0, "no ToScalar() call was found: the scan is not looking at the code");
    }

    /// <summary>
    /// The failure itself: with a thread forcing garbage collections all the while, the two-shard
    /// step (stochastic depth, local crops), AdamW, the EMA and k-NN run clean. Before every Scalar
    /// was held, this failed within a few steps ("Expected false to be true" from libtorch reading a
    /// finalized Scalar).
    /// </summary>
    [Fact]
    public void Training_and_knn_survive_constant_garbage_collection()
    {
        manual_seed(0);
        var vit = TinyModels.Vit() with { DropPathRate = 0.2 };
        var head = TinyModels.Head();
        using var student = new IBotNetwork(vit, head);
        using var teacher = new IBotNetwork(vit with { MaskedImageModeling = false, DropPathRate = 0 }, head);
        using var loss = TestLosses.Create(head.OutDim, head.EffectivePatchOutDim, 2, 4, 0.04, 0.07, 0.04, 0.07, 2, 5);
        using var optimizer = new AdamW(ParameterGroups.Build(student));
        using var step = new IBotTrainStep(student, teacher, TestLosses.Only(loss), optimizer, new StepOptions(3.0, 0, Shards: 2));
        student.train();
        using var maskRatio = 0.3.ToScalar();

        using var stop = new CancellationTokenSource();
        var collections = 0;
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                collections++;
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                using var scope = NewDisposeScope();
                var batch = new TrainBatch(
                    [randn(4, 3, 16, 16), randn(4, 3, 16, 16)],
                    [randn(4, 3, 8, 8), randn(4, 3, 8, 8)],
                    [rand(4, 4, 4).lt(maskRatio), rand(4, 4, 4).lt(maskRatio)]);
                using var parts = step.Run(batch, new StepSchedule(1, 1e-3, 0.04, 0.996));
                Assert.True(float.IsFinite(parts.Total.item<float>()));
            }
            using (var scope = NewDisposeScope())
            {
                var features = nn.functional.normalize(randn(64, 16), dim: 1);
                var labels = randint(0, 4, [64], dtype: ScalarType.Int64);
                for (var i = 0; i < 20; i++)
                    KnnClassifier.Evaluate(features, labels, features, labels, k: 5, temperature: 0.07, numClasses: 4);
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.True(collections > 10, $"only {collections} forced collections ran: the test did not stress anything");
    }

    /// <summary>The Scalar made by <paramref name="call"/> goes into a static readonly field, or into a
    /// local (or a closure's field) that the method later disposes.</summary>
    private static bool Held(MethodDefinition method, Instruction call)
    {
        var store = call.Next;
        if (store.OpCode == OpCodes.Stsfld) return ((FieldReference)store.Operand).Resolve() is { IsStatic: true, IsInitOnly: true };
        var slot = StoredSlot(store);
        if (slot is null) return false;
        return method.Body.Instructions.Any(i => Equals(LoadedSlot(i), slot) && i.Next is { } next
            && (next.OpCode == OpCodes.Callvirt || next.OpCode == OpCodes.Call) && next.Operand is MethodReference { Name: "Dispose" });
    }

    private static object? StoredSlot(Instruction i) => i.OpCode.Code switch
    {
        Code.Stloc_0 => 0, Code.Stloc_1 => 1, Code.Stloc_2 => 2, Code.Stloc_3 => 3,
        Code.Stloc or Code.Stloc_S => ((VariableDefinition)i.Operand).Index,
        Code.Stfld => ((FieldReference)i.Operand).FullName,
        _ => null,
    };

    private static object? LoadedSlot(Instruction i) => i.OpCode.Code switch
    {
        Code.Ldloc_0 => 0, Code.Ldloc_1 => 1, Code.Ldloc_2 => 2, Code.Ldloc_3 => 3,
        Code.Ldloc or Code.Ldloc_S => ((VariableDefinition)i.Operand).Index,
        Code.Ldfld => ((FieldReference)i.Operand).FullName,
        _ => null,
    };

    private static string Where(MethodDefinition method, Instruction at)
    {
        for (var i = at; i is not null; i = i.Previous)
            if (method.DebugInformation.GetSequencePoint(i) is { } point)
                return $"{Path.GetFileName(point.Document.Url)}:{point.StartLine} ({method.DeclaringType.Name}.{method.Name})";
        return $"{method.DeclaringType.FullName}.{method.Name}";
    }
}
