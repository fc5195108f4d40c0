using DeRisk.Cli;
using Spectre.Console;

// derisk backtest --rules examples/rules/conservative.json --from 2022-01-01 --to 2022-12-31 [--out report/]
// Results on stdout; errors and warnings on stderr.
var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
return await DeRiskCommands.Build(AnsiConsole.Console, error).Parse(args).InvokeAsync();
