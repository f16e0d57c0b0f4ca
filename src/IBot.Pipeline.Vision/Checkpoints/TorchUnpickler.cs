using System.Collections;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// Reads the object that <c>torch.save</c> pickled into a <see cref="TorchArchive"/>: dicts become
/// <see cref="Hashtable"/>s, lists <see cref="ArrayList"/>s, tuples <c>object[]</c>, tensors
/// TorchSharp tensors (rebuilt from the archive's storages), numpy scalars .NET numbers
/// (<see cref="NumpyPickles"/>), and other Python objects <see cref="ClassDict"/>s of their
/// attributes (an <c>argparse.Namespace</c>, for example). The pickle is read from memory, so
/// no length field in it can make the reader allocate more than the pickle's own size.
/// </summary>
/// <remarks>
/// Razorvine keeps its class constructors in one process-wide table; they are registered under a
/// lock for each load, so that another library's registration for the same names (TorchSharp.PyBridge
/// registers its own tensor constructor) cannot take their place mid-load.
/// </remarks>
public sealed class TorchUnpickler : Unpickler
{
    private static readonly object Gate = new();
    private readonly TorchArchive archive;

    private TorchUnpickler(TorchArchive archive) => this.archive = archive;

    /// <summary>The archive's pickled object; every malformation is an <see cref="InvalidDataException"/>.</summary>
    public static object Load(TorchArchive archive)
    {
        lock (Gate)
        {
            Register();
            using var unpickler = new TorchUnpickler(archive);
            try
            {
                return unpickler.loads(archive.Pickle) ?? throw new InvalidDataException("the pickle holds None");
            }
            catch (Exception e) when (e is not (InvalidDataException or OutOfMemoryException or InsufficientExecutionStackException))
            {
                // Razorvine reports malformed pickles with whatever its reader hit: PickleException,
                // invalid casts, index and argument errors, stack underflow.
                throw new InvalidDataException($"malformed pickle: {e.GetType().Name}: {e.Message}", e);
            }
        }
    }

    /// <summary>torch.save replaces each storage with ('storage', storage class, key, location, elements).</summary>
    protected override object persistentLoad(object pid)
    {
        if (pid is not object[] { Length: 5 } id || id[0] as string != "storage")
            throw new InvalidDataException("persistent id is not a ('storage', type, key, location, size) tuple");
        if (id[1] is not ClassDictConstructor type) throw new InvalidDataException("persistent id names no storage class");
        if (id[2] is not string key) throw new InvalidDataException("persistent id has no storage key");
        var elements = TensorRebuild.ToLong(id[4], "storage size");
        return new StorageReference(archive, key, TorchTypes.FromStorageName(type.name), elements);
    }

    private static void Register()
    {
        var tensor = new TensorRebuild();
        registerConstructor("torch._utils", "_rebuild_tensor", tensor);
        registerConstructor("torch._utils", "_rebuild_tensor_v2", tensor);
        registerConstructor("torch._utils", "_rebuild_parameter", new TensorRebuild.Parameter());
        registerConstructor("collections", "OrderedDict", new OrderedDictConstructor());
        NumpyPickles.Register();
    }

    /// <summary>A storage named by a pickle, read from the archive when a tensor is built on it.</summary>
    public sealed record StorageReference(TorchArchive Archive, string Key, TorchSharp.torch.ScalarType DType, long Elements);

    /// <summary>An OrderedDict is a dict here; its pickled attributes (a state dict's <c>_metadata</c>) are dropped.</summary>
    private sealed class OrderedDictConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new OrderedDict();
    }

    /// <summary>A <see cref="Hashtable"/> that accepts (and ignores) the attribute state pickle's BUILD gives it.</summary>
    public sealed class OrderedDict : Hashtable
    {
        public void __setstate__(Hashtable attributes) { }

        public void __setstate__(object[] state) { }
    }
}
