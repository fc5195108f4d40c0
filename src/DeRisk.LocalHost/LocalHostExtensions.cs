using DeRisk.LocalHost.Demo;
using DeRisk.LocalHost.Functions;

namespace DeRisk.LocalHost;

public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Runs the timer functions on their schedules and the queue functions on their queues (tests turn this off and drive them directly).</summary>
    public bool RunTimers { get; set; } = true;

    /// <summary>When set, functions with AuthorizationLevel.Function need this key, as on Azure; empty: no check, as with Core Tools.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>Queue messages received and handled at once per queue trigger (the host's queues.batchSize).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 32)]
    public int QueueBatchSize { get; set; } = 16;
}

public static class LocalHostExtensions
{
    /// <summary>Serves the Functions app's functions: HTTP triggers through routing, timers on their schedules.</summary>
    public static IHostApplicationBuilder AddLocalFunctionHost(this IHostApplicationBuilder builder, FunctionCatalog catalog)
    {
        builder.Services.AddSingleton(catalog);
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<TimerHost>();
        builder.Services.AddSingleton<QueueHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueHost>());
        return builder;
    }

    /// <summary>The run command's extras: the local Twilio and SendGrid sinks and a seeded demo subscriber.</summary>
    public static IHostApplicationBuilder AddLocalDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        builder.Services.AddOptions<TwilioSinkOptions>().BindConfiguration(TwilioSinkOptions.Section);
        if (builder.Configuration.GetSection(TwilioSinkOptions.Section).GetValue<bool>(nameof(TwilioSinkOptions.Enabled)))
        {
            builder.Services.AddHostedService<TwilioSinkHost>();
        }

        builder.Services.AddOptions<SendGridSinkOptions>().BindConfiguration(SendGridSinkOptions.Section);
        if (builder.Configuration.GetSection(SendGridSinkOptions.Section).GetValue<bool>(nameof(SendGridSinkOptions.Enabled)))
        {
            builder.Services.AddHostedService<SendGridSinkHost>();
        }

        if (builder.Configuration.GetSection(DemoOptions.Section).GetValue<bool>(nameof(DemoOptions.Enabled)))
        {
            builder.Services.AddHostedService<DemoSeeder>();
        }

        return builder;
    }
}
