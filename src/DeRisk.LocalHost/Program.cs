using DeRisk.Functions.Http;
using DeRisk.Functions.Tick;
using DeRisk.Hosting;
using DeRisk.LocalHost;
using DeRisk.LocalHost.Functions;

// Runs the Functions app's own function classes without Core Tools: HTTP triggers on http://127.0.0.1:7071/api/...,
// timer triggers on their schedules, settings from local.settings.json (as `func start` reads them).
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLocalSettings(builder.Configuration["LocalSettings"] ?? "local.settings.json");
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

var catalog = new FunctionCatalog(typeof(MarketPollFunction).Assembly);
builder.AddDeRisk();
builder.AddDeRiskHttp();
builder.AddLocalFunctionHost(catalog);
builder.AddLocalDemo();

var app = builder.Build();
// The Functions app's own answer to an unexpected failure (the exception is logged by the handler).
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = context => ProblemDetailsMiddleware.Unexpected.ExecuteAsync(context) });
app.UseStatusCodePages();
app.Use((context, next) => RequestGuard.Check(context) is { } problem ? problem.ExecuteAsync(context) : next(context));
app.UseForwardedHeaders();
app.MapFunctions(catalog);
app.Run();
