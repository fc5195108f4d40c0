using DeRisk.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.SignUp;

/// <summary>Wires sign-up: confirmation codes, contacts, tokens, channel changes and the shared rate limits (the Access section).</summary>
public static class SignUpServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskSignUp(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddKeyedSingleton(Clocks.Wall, TimeProvider.System);
        builder.Services.AddValidatedOptions<AccessOptions>(AccessOptions.Section);
        builder.Services.TryAddSingleton<ContactStore>();
        builder.Services.TryAddSingleton<TokenStore>();
        builder.Services.TryAddSingleton<RateLimiter>();
        builder.Services.TryAddSingleton<ConfirmationCodes>();
        builder.Services.TryAddSingleton<SignUpService>();
        builder.Services.TryAddSingleton<ChannelService>();
        return builder;
    }
}
