using DeRisk.Cli;
using Spectre.Console;

// derisk backtest --rules examples/rules/conservative.json --from 2022-01-01 --to 2022-12-31 [--out report/]
// Results on stdout; errors and warnings on stderr.
return await DeRiskCommands.Build(AnsiConsole.Console, DeRiskCommands.ErrorConsole(Console.Error)).Parse(args).InvokeAsync();
