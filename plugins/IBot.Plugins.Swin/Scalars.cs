using TorchSharp;

namespace IBot.Plugins.Swin;

/// <summary>
/// Native scalars that stay alive across the libtorch call they are passed to: TorchSharp frees a
/// temporary <see cref="Scalar"/> only in its finalizer, which a collection on another thread can
/// run while libtorch still reads it (see the README design note "Every native Scalar is held
/// across its call"). Code here passes only these constants or <c>ToScalar()</c> locals held in a
/// <c>using</c> declaration; <c>ScalarLifetimeTests</c> scans this assembly for any other.
/// </summary>
internal static class Scalars
{
    /// <summary>The integer 1: the alpha of a plain add, as TorchSharp's own overloads pass it.</summary>
    public static readonly Scalar One = 1.ToScalar();
}
