using IBot.Cli;
using Spectre.Console;

return await CliApp.Create(AnsiConsole.Console).RunAsync(args);
