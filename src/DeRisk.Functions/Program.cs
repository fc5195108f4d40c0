using DeRisk.Functions.Http;
using DeRisk.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ProblemDetailsMiddleware>();
builder.UseMiddleware<RequestGuardMiddleware>();
builder.AddDeRisk();
builder.AddDeRiskHttp();
builder.Build().Run();
