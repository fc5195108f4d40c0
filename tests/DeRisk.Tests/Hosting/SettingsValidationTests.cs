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
    [InlineData("Dispatch:BatchSize", "64", "BatchSize")]
    [InlineData("SendGrid:ApiKey", null, "ApiKey")]
    [InlineData("SendGrid:FromEmail", "not-an-address", "FromEmail")]
    [InlineData("SendGrid:BaseUrl", "api.sendgrid.com", "BaseUrl")]
    [InlineData("SendGrid:RetryAttempts", "1", "SendGrid:RetryAttempts must be 0")]
    [InlineData("Access:CodeLifetime", "02:00:00", "CodeLifetime")]
    [InlineData("Access:MaxCodeAttempts", "0", "MaxCodeAttempts")]
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
}
