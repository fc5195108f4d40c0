using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Preview;

/// <summary>Wires the rule preview: its options (validated at start) and its service.</summary>
public static class PreviewServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskPreview(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PreviewOptions>().BindConfiguration(PreviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<PreviewService>();
        return builder;
    }
}
