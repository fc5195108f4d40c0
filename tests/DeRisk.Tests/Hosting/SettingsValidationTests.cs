using DeRisk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DeRisk.Tests.Hosting;

/// <summary>A bad setting stops the app at start, naming the setting; nothing runs on a half-valid configuration.</summary>
public sealed class SettingsValidationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Twilio:AccountSid"] = "ACtestaccount",
        ["Twilio:AuthToken"] = "token",
        ["Twilio:FromNumber"] = "+15005550006",
        ["SendGrid:ApiKey"] = "SG.key",
        ["SendGrid:FromEmail"] = "alerts@example.com",
    };

    [Theory]
    [InlineData("Storage:ConnectionString", null, "Storage:AccountName")]
    [InlineData("Storage:AccountName", "Not_An_Account", "Storage:AccountName")]
    [InlineData("Storage:TablePrefix", "9bad", "Storage:TablePrefix")]
    [InlineData("Twilio:AuthToken", null, "AuthToken")]
    [InlineData("Twilio:MessagingServiceSid", "MGservice", "Twilio:FromNumber and Twilio:MessagingServiceSid")]
    [InlineData("Twilio:RetryAttempts", "2", "Twilio:RetryAttempts must be 0")]
    [InlineData("Market:Assets", "BTC=bitcoin,ETH", "Market:Assets entry 'ETH'")]
    [InlineData("Market:PriceStalenessLimit", "00:00:00", "PriceStalenessLimit")]
    [InlineData("Access:SmsCountries", "US,XX", "'XX' is not a country code")]
    [InlineData("Access:TrustedProxyNetworks", "127.0.0.1/99", "CIDR")]
    [InlineData("Access:TrustedProxyCount", "9", "TrustedProxyCount")]
    [InlineData("Access:InboundReceiptRetention", "1.00:00:00", "InboundReceiptRetention")]
    [InlineData("Dispatch:BatchSize", "64", "BatchSize")]
    [InlineData("SendGrid:ApiKey", null, "ApiKey")]
    [InlineData("SendGrid:FromEmail", "not-an-address", "FromEmail")]
    [InlineData("SendGrid:BaseUrl", "api.sendgrid.com", "BaseUrl")]
    [InlineData("SendGrid:RetryAttempts", "1", "SendGrid:RetryAttempts must be 0")]
    [InlineData("Access:CodeLifetime", "02:00:00", "CodeLifetime")]
    [InlineData("Access:MaxCodeAttempts", "0", "MaxCodeAttempts")]
    [InlineData("Access:AbandonedSignUpAfter", "00:10:00", "AbandonedSignUpAfter")]
    [InlineData("Market:HistoryRetention", "8.00:00:00", "Market:HistoryRetention (8.00:00:00) must be longer than")]
    [InlineData("Dispatch:RecordRetention", "1.00:00:00", "RecordRetention")]
    public async Task A_bad_setting_stops_the_app_at_start_with_its_name(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddDeRisk();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every setting of every options class appears in local.settings.sample.json, as Section__Name or, for those a
    /// trigger attribute reads as %Name%, as the top-level Name. Twilio's and SendGrid's retry delays are left out:
    /// their RetryAttempts must be 0, so the delays never apply.
    /// </summary>
    [Fact]
    public void Every_setting_is_documented_in_the_sample_settings()
    {
        var sample = File.ReadAllText(Path.Combine(Infrastructure.History.RepoRoot(), "local.settings.sample.json"));
        var assemblies = new[] { typeof(DeRiskServiceCollectionExtensions).Assembly, typeof(DeRisk.LocalHost.Demo.DemoOptions).Assembly };
        var missing = (
            from type in assemblies.SelectMany(a => a.GetExportedTypes())
            let section = type.GetField("Section", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            where section is { IsLiteral: true } && section.FieldType == typeof(string)
            from property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            where property.SetMethod is { IsPublic: true }
            where !(typeof(DeRisk.Delivery.SenderOptions).IsAssignableFrom(type) && property.Name is "RetryDelay" or "MaxRetryDelay")
            let key = ((string)section.GetRawConstantValue()!).Replace(":", "__", StringComparison.Ordinal) + "__" + property.Name
            where !sample.Contains('"' + key + '"', StringComparison.Ordinal) && !sample.Contains('"' + property.Name + "\": ", StringComparison.Ordinal)
            select key).ToList();

        Assert.True(missing.Count == 0, "Not in local.settings.sample.json: " + string.Join(", ", missing));
    }
}
