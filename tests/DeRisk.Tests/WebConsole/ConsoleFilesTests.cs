using System.Net;
using DeRisk.Functions.WebConsole;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.WebConsole;

/// <summary>The console's static files: a fixed set, with their content types and security headers, and nothing else.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConsoleFilesTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 6, 1, 0, 0, 30, TimeSpan.Zero))
{
    /// <summary>On real Kestrel, so request targets reach the app exactly as a client wrote them.</summary>
    protected override Task OnStartedAsync()
    {
        Host.UseKestrel(0);
        Host.StartServer();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("/api/console/", "text/html")]
    [InlineData("/api/console/index.html", "text/html")]
    [InlineData("/api/console/app.js", "text/javascript")]
    [InlineData("/api/console/console.css", "text/css")]
    [InlineData("/api/console/vendor/uPlot.iife.min.js", "text/javascript")]
    [InlineData("/api/console/vendor/uPlot.min.css", "text/css")]
    public async Task Each_file_is_served_with_its_type_and_a_strict_content_security_policy(string path, string mediaType)
    {
        var response = await Host.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ConsoleFunction.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
        Assert.Contains("script-src 'self';", ConsoleFunction.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", ConsoleFunction.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", ConsoleFunction.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("no-cache", Header(response, "Cache-Control"));
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_page_loads_uplot_from_the_app_itself_and_runs_no_inline_script_or_style()
    {
        var html = await Host.CreateClient().GetStringAsync("/api/console/");

        Assert.Contains("<script src=\"vendor/uPlot.iife.min.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
        foreach (var path in ConsoleAssets.Paths.Where(p => p.EndsWith(".js", StringComparison.Ordinal) && !p.StartsWith("vendor/", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain("innerHTML", System.Text.Encoding.UTF8.GetString(ConsoleAssets.Find(path)!.Content), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_console_without_its_slash_redirects_to_it()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Host.CreateClient().BaseAddress };

        var response = await client.GetAsync(new Uri("/api/console", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/api/console/", new Uri(new Uri("http://localhost/api/console"), response.Headers.Location!).AbsolutePath);
    }

    [Theory]
    [InlineData("/api/console/nothing.js", HttpStatusCode.NotFound)]
    [InlineData("/api/console/vendor/", HttpStatusCode.NotFound)]
    [InlineData("/api/console/DeRisk.Functions.openapi.json", HttpStatusCode.NotFound)]
    [InlineData("/api/console/..%2f..%2fopenapi.json", HttpStatusCode.BadRequest)]
    [InlineData("/api/console/%2e%2e/me", HttpStatusCode.BadRequest)]
    [InlineData("/api/console/vendor%5c..%5capp.js", HttpStatusCode.BadRequest)]
    public async Task Anything_but_a_known_file_is_refused(string path, HttpStatusCode status)
    {
        var client = Host.CreateClient();
        var options = new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true };
        var raw = new Uri(client.BaseAddress!, new Uri(path, options).OriginalString);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(raw.OriginalString, options));

        var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : "";
}
