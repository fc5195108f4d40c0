using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>Rewrites the SDK's https://api.twilio.com/... requests onto the configured base URL (a fake in tests).</summary>
public sealed class TwilioBaseUrlHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = new Uri(new Uri(options.Value.BaseUrl), uri.PathAndQuery);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
