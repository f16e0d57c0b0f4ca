using Spectre.Console;
using Spectre.Console.Rendering;

namespace IBot.Cli.Output;

/// <summary>
/// The console as the command app sees it, without <see cref="IDisposable"/>: the app's container
/// disposes what it holds when a command ends, and <see cref="CliApp"/> still writes the one-line
/// error of a failed command after that (test consoles are disposable).
/// </summary>
public sealed class BorrowedConsole(IAnsiConsole inner) : IAnsiConsole
{
    public Profile Profile => inner.Profile;

    public IAnsiConsoleCursor Cursor => inner.Cursor;

    public IAnsiConsoleInput Input => inner.Input;

    public IExclusivityMode ExclusivityMode => inner.ExclusivityMode;

    public RenderPipeline Pipeline => inner.Pipeline;

    public void Clear(bool home) => inner.Clear(home);

    public void Write(IRenderable renderable) => inner.Write(renderable);

    public void WriteAnsi(Action<AnsiWriter> action) => inner.WriteAnsi(action);
}
