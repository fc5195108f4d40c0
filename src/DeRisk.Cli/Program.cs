using DeRisk.Cli;
using Spectre.Console;

// derisk backtest --rules examples/rules/conservative.json --from 2022-01-01 --to 2022-12-31 [--out report/]
return await DeRiskCommands.Build(AnsiConsole.Console).Parse(args).InvokeAsync();
