using System.Text.Json;
using DeRisk.Rules;
using DeRisk.Subscribers;

namespace DeRisk.Tests.Rules;

public sealed class RuleParserTests
{
    private static readonly RuleParser Parser = new(asset => asset is "BTC" or "UST" or "USDC" or "LUNA");

    private static RuleParseResult Parse(string json) => Parser.Parse(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Every_kind_parses_and_round_trips_through_the_stored_json()
    {
        var json = """
            {"kind":"anyOf","for":"15m","repeatEvery":"6h","allClear":true,"rules":[
              {"kind":"allOf","rules":[
                {"kind":"priceChange","asset":"btc","direction":"drop","percent":10,"window":"24h"},
                {"kind":"sentiment","when":"atOrBelow","value":20}]},
              {"kind":"priceLevel","asset":"BTC","when":"below","level":20000},
              {"kind":"depeg","asset":"USDC","percent":1}]}
            """;

        var parsed = Parse(json);

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        var rule = Assert.IsType<AnyOfRule>(parsed.Rule);
        Assert.Equal(("15m", "6h", true), (rule.For, rule.RepeatEvery, rule.AllClear));
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromHours(6)), (rule.HoldFor, rule.RepeatInterval!.Value));
        Assert.True(rule.IsCritical);
        Assert.Equal(["BTC", "FNG", "USDC"], rule.Symbols.Order());

        var stored = JsonSerializer.Serialize<RuleSpec>(rule, RuleJson.Options);
        var restored = JsonSerializer.Deserialize<RuleSpec>(stored, RuleJson.Options)!;
        Assert.Equal(stored, JsonSerializer.Serialize(restored, RuleJson.Options));
        Assert.Contains("\"kind\":\"sentiment\",\"when\":\"atOrBelow\",\"value\":20", stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"priceLevel","asset":"BTC","when":"atOrBelow","level":1}""", "when")]
    [InlineData("""{"kind":"priceLevel","asset":"BTC","when":"below","level":-5}""", "level")]
    [InlineData("""{"kind":"sentiment","when":"below","value":20}""", "when")]
    [InlineData("""{"kind":"sentiment","when":"atOrBelow","value":20.5}""", "value")]
    [InlineData("""{"kind":"sentiment","when":"atOrBelow","value":101}""", "value")]
    [InlineData("""{"kind":"depeg","asset":"USDC","percent":60}""", "percent")]
    [InlineData("""{"kind":"depeg","asset":"DAI","percent":1}""", "asset")]
    [InlineData("""{"kind":"allOf","rules":[{"kind":"depeg","asset":"USDC","percent":1}]}""", "rules")]
    [InlineData("""{"kind":"allOf","rules":"all"}""", "rules")]
    [InlineData("""{"kind":"allOf","rules":[{"kind":"depeg","asset":"USDC","percent":1},{"kind":"sentiment","when":"atOrAbove"}]}""", "rules[1].value")]
    [InlineData("""{"kind":"anyOf","rules":[{"kind":"depeg","asset":"USDC","percent":1,"for":"5m"},{"kind":"depeg","asset":"UST","percent":1}]}""", "rules[0].for")]
    [InlineData("""{"kind":"anyOf","rules":[{"kind":"allOf","rules":[{"kind":"anyOf","rules":[{"kind":"depeg","asset":"USDC","percent":1},{"kind":"depeg","asset":"UST","percent":1}]},{"kind":"depeg","asset":"UST","percent":1}]},{"kind":"depeg","asset":"UST","percent":1}]}""", "rules[0].rules[0].rules")]
    [InlineData("""{"kind":"depeg","asset":"USDC","percent":1,"for":"soon"}""", "for")]
    [InlineData("""{"kind":"depeg","asset":"USDC","percent":1,"for":"8d"}""", "for")]
    [InlineData("""{"kind":"depeg","asset":"USDC","percent":1,"repeatEvery":"1m"}""", "repeatEvery")]
    [InlineData("""{"kind":"depeg","asset":"USDC","percent":1,"allClear":"yes"}""", "allClear")]
    public void Each_mistake_is_reported_under_its_field_path(string json, string field)
    {
        var parsed = Parse(json);

        Assert.False(parsed.IsValid);
        Assert.True(parsed.Errors.ContainsKey(field), string.Join("; ", parsed.Errors.Keys));
    }
}

public sealed class DrawdownRuleParserTests
{
    private static readonly RuleParser Parser = new(asset => asset is "BTC" or "UST" or "USDC" or "LUNA");

    [Theory]
    [InlineData("""{"kind":"drawdown","asset":"BTC","percent":20,"days":366}""", "days")]
    [InlineData("""{"kind":"drawdown","asset":"BTC","percent":20,"days":2.5}""", "days")]
    [InlineData("""{"kind":"portfolioDrawdown","holdings":{"BTC":-1},"percent":20,"days":30,"maxRiskPercent":60}""", "holdings.BTC")]
    [InlineData("""{"kind":"portfolioDrawdown","holdings":{"DOGE":1},"percent":20,"days":30,"maxRiskPercent":60}""", "holdings.DOGE")]
    [InlineData("""{"kind":"portfolioDrawdown","holdings":{"USDC":100},"percent":20,"days":30,"maxRiskPercent":60}""", "holdings")]
    [InlineData("""{"kind":"portfolioDrawdown","holdings":{},"percent":20,"days":30,"maxRiskPercent":60}""", "holdings")]
    [InlineData("""{"kind":"portfolioDrawdown","holdings":{"BTC":1},"percent":20,"days":30}""", "maxRiskPercent")]
    public void Drawdown_mistakes_are_named_by_field(string json, string field)
    {
        var parsed = Parser.Parse(JsonDocument.Parse(json).RootElement);

        Assert.False(parsed.IsValid);
        Assert.True(parsed.Errors.ContainsKey(field), string.Join("; ", parsed.Errors.Keys));
    }

    [Fact]
    public void Portfolio_rule_round_trips_with_its_holdings()
    {
        var parsed = Parser.Parse(JsonDocument.Parse("""{"kind":"portfolioDrawdown","holdings":{"btc":0.5,"USDC":2000},"percent":15,"days":30,"maxRiskPercent":60}""").RootElement);

        var rule = Assert.IsType<PortfolioDrawdownRule>(parsed.Rule);
        var restored = (PortfolioDrawdownRule)JsonSerializer.Deserialize<RuleSpec>(JsonSerializer.Serialize<RuleSpec>(rule, RuleJson.Options), RuleJson.Options)!;
        Assert.Equal(rule.Holdings.OrderBy(h => h.Key), restored.Holdings.OrderBy(h => h.Key));
        Assert.Equal((15d, 30, 60d), (restored.Percent, restored.Days, restored.MaxRiskPercent));
    }
}
