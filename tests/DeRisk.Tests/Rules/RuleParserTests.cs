using System.Text.Json;
using DeRisk.Contracts;
using DeRisk.Rules;

namespace DeRisk.Tests.Rules;

public sealed class RuleParserTests
{
    private static readonly RuleParser Parser = new(asset => asset is "BTC" or "UST" or "USDC" or "LUNA");

    private static RuleParseResult Parse(string json) => Parser.Parse(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Escalate_every_is_for_rules_with_a_depth_at_the_top_level_from_1_point_or_0_for_off()
    {
        Assert.Equal(10, Parse("""{"kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"24h","escalateEvery":10}""").Rule!.EscalationStep);
        Assert.Null(Parse("""{"kind":"depeg","asset":"USDC","percent":1,"escalateEvery":0}""").Rule!.EscalationStep);
        Assert.Equal(RuleSpec.DefaultDepegEscalation, Parse("""{"kind":"depeg","asset":"USDC","percent":1}""").Rule!.EscalationStep);
        Assert.Null(Parse("""{"kind":"drawdown","asset":"BTC","percent":20,"days":30}""").Rule!.EscalationStep);

        foreach (var json in new[]
        {
            """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"24h","escalateEvery":0.5}""",
            """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"24h","escalateEvery":-1}""",
            """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"24h","escalateEvery":101}""",
            """{"kind":"sentiment","when":"atOrBelow","value":20,"escalateEvery":5}""",
            """{"kind":"priceLevel","asset":"BTC","when":"below","level":20000,"escalateEvery":5}""",
            """{"kind":"anyOf","escalateEvery":5,"rules":[{"kind":"depeg","asset":"UST","percent":3},{"kind":"depeg","asset":"USDC","percent":3}]}""",
        })
        {
            Assert.True(Parse(json).Errors.ContainsKey("escalateEvery"), json);
        }

        var child = Parse("""{"kind":"anyOf","rules":[{"kind":"depeg","asset":"UST","percent":3,"escalateEvery":5},{"kind":"depeg","asset":"USDC","percent":3}]}""");
        Assert.True(child.Errors.ContainsKey("rules[0].escalateEvery"));
    }

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
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromHours(6), true), (rule.For!.Value, rule.RepeatEvery!.Value, rule.AllClear));
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromHours(6)), (rule.HoldFor, rule.RepeatEvery!.Value));
        Assert.True(rule.IsCritical);
        Assert.Equal(["BTC", "FNG", "USDC"], rule.Symbols.Order());

        var stored = JsonSerializer.Serialize<RuleSpec>(rule, ContractJson.Options);
        var restored = JsonSerializer.Deserialize<RuleSpec>(stored, ContractJson.Options)!;
        Assert.Equal(stored, JsonSerializer.Serialize(restored, ContractJson.Options));
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
        var restored = (PortfolioDrawdownRule)JsonSerializer.Deserialize<RuleSpec>(JsonSerializer.Serialize<RuleSpec>(rule, ContractJson.Options), ContractJson.Options)!;
        Assert.Equal(rule.Holdings.OrderBy(h => h.Key), restored.Holdings.OrderBy(h => h.Key));
        Assert.Equal((15d, 30, 60d), (restored.Percent, restored.Days, restored.MaxRiskPercent));
    }
}

public sealed class RuleContractTests
{
    private static readonly RuleParser Parser = new(asset => asset is "BTC" or "UST" or "USDC", ["BTC", "UST", "USDC"]);

    private static IReadOnlyDictionary<string, string[]> Errors(string json) => Parser.Parse(JsonDocument.Parse(json).RootElement).Errors;

    [Fact]
    public void Every_structural_mistake_is_reported_at_once_in_words_a_client_understands()
    {
        var errors = Errors("""
            {"direction":"sideways","kind":"priceChange","percent":"10","window":"3d","for":5,"owner":"x",
             "asset":null}
            """);

        Assert.Equal(["asset", "direction", "for", "owner", "percent", "window"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Required.", errors["asset"].Single());
        Assert.Equal("'sideways' is not one of 'drop', 'rise'.", errors["direction"].Single());
        Assert.Equal("Must be a number.", errors["percent"].Single());
        Assert.Equal("'3d' is not one of '1h', '24h', '7d'.", errors["window"].Single());
        Assert.StartsWith("Must be a duration", errors["for"].Single(), StringComparison.Ordinal);
        Assert.Equal("Unknown field.", errors["owner"].Single());
        Assert.DoesNotContain(errors.Values.SelectMany(m => m), m => m.Contains("DeRisk.", StringComparison.Ordinal) || m.Contains("System.", StringComparison.Ordinal));
    }

    [Fact]
    public void Children_are_checked_by_their_own_kind_and_range_errors_all_come_back_together()
    {
        var structural = Errors("""{"kind":"allOf","rules":[{"kind":"sentiment","when":"below","value":20},{"kind":"nope"}]}""");
        Assert.Equal(["rules[0].when", "rules[1].kind"], structural.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("'below' is not one of 'atOrBelow', 'atOrAbove'.", structural["rules[0].when"].Single());
        Assert.StartsWith("Unknown rule kind 'nope'; expected one of priceChange, priceLevel,", structural["rules[1].kind"].Single(), StringComparison.Ordinal);

        var semantic = Errors("""{"kind":"anyOf","repeatEvery":"1m","rules":[{"kind":"depeg","asset":"BTC","percent":80},{"kind":"priceLevel","asset":"eth","when":"above","level":0,"for":"1h"}]}""");
        Assert.Equal(["repeatEvery", "rules[0].asset", "rules[0].percent", "rules[1].asset", "rules[1].for", "rules[1].level"], semantic.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("'eth' is not a tracked asset; tracked: BTC, UST, USDC.", semantic["rules[1].asset"].Single());
    }

    [Theory]
    [InlineData("""{"kind":"depeg","kind":"priceChange","asset":"UST","percent":3}""")]
    [InlineData("""{"kind":"depeg","asset":"UST","percent":3,"percent":"x"}""")]
    [InlineData("""{"kind":"allOf","rules":[null,{"kind":"depeg","asset":"UST","percent":3}]}""")]
    [InlineData("""{"kind":"portfolioDrawdown","holdings":{"BTC":null},"percent":20,"days":30,"maxRiskPercent":50}""")]
    [InlineData("""{"kind":"priceLevel","asset":"BTC","when":"below","level":1e400}""")]
    [InlineData("""{"kind":"sentiment","when":"atOrBelow","value":99999999999}""")]
    [InlineData("""{"kind":7}""")]
    public void Hostile_shapes_are_field_errors_never_exceptions(string json)
    {
        var errors = Errors(json);

        Assert.NotEmpty(errors);
    }

    [Fact]
    public void A_body_full_of_mistakes_gets_a_bounded_answer()
    {
        var unknown = string.Join(",", Enumerable.Range(0, 400).Select(i => $"\"field{i}\":1"));
        var holdings = string.Join(",", Enumerable.Range(0, 400).Select(i => $"\"COIN{i}\":1"));

        var many = Errors($$"""{"kind":"depeg","asset":"UST","percent":3,{{unknown}}}""");
        var portfolio = Errors($$"""{"kind":"portfolioDrawdown","holdings":{{{holdings}}},"percent":20,"days":30,"maxRiskPercent":50}""");

        Assert.Equal(FieldErrors.MaxFields + 1, many.Count);
        Assert.Equal("More mistakes were found; fix these first.", many["$"].Single());
        Assert.Equal(["holdings"], portfolio.Keys);
    }

    [Fact]
    public void Typed_fields_keep_the_written_form_in_storage()
    {
        var rule = (PriceChangeRule)Parser.Parse(JsonDocument.Parse("""{"window":"7d","asset":" btc ","direction":"rise","percent":12.5,"kind":"priceChange","for":"90m","repeatEvery":"2d"}""").RootElement).Rule!;

        Assert.Equal(("BTC", RuleWindow.SevenDays, TimeSpan.FromMinutes(90), TimeSpan.FromDays(2)), (rule.Asset, rule.Window, rule.For!.Value, rule.RepeatEvery!.Value));
        Assert.Equal(
            """{"kind":"priceChange","asset":"BTC","direction":"rise","percent":12.5,"window":"7d","for":"90m","repeatEvery":"2d"}""",
            JsonSerializer.Serialize<RuleSpec>(rule, ContractJson.Options));
    }
}

public sealed class NamedRuleTests
{
    private static readonly RuleParser Parser = new(asset => asset is "BTC" or "UST" or "USDC");

    [Fact]
    public void A_top_level_rule_takes_a_name_that_its_messages_show_and_a_child_does_not()
    {
        var named = Parser.Parse(JsonDocument.Parse("""{"kind":"depeg","asset":"UST","percent":3,"name":"  UST watch "}""").RootElement);
        Assert.Equal("UST watch", named.Rule!.Name);
        Assert.Contains("\"name\":\"UST watch\"", JsonSerializer.Serialize(named.Rule, ContractJson.Options), StringComparison.Ordinal);

        var child = Parser.Parse(JsonDocument.Parse("""{"kind":"anyOf","rules":[{"kind":"depeg","asset":"UST","percent":3,"name":"x"},{"kind":"depeg","asset":"USDC","percent":3}]}""").RootElement);
        Assert.True(child.Errors.ContainsKey("rules[0].name"));
        Assert.True(Parser.Parse(JsonDocument.Parse("""{"kind":"depeg","asset":"UST","percent":3,"name":""}""").RootElement).Errors.ContainsKey("name"));
        Assert.True(Parser.Parse(JsonDocument.Parse("""{"kind":"depeg","asset":"UST","percent":3,"name":"a\u0007b"}""").RootElement).Errors.ContainsKey("name"));

        var view = DeRisk.Tests.Infrastructure.Views.At(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero));
        Assert.StartsWith("DeRisk: UST watch: UST at $", DeRisk.Rules.AlertMessageRenderer.Sms(named.Rule, view), StringComparison.Ordinal);
        Assert.Contains("UST watch: UST at $", DeRisk.Rules.AlertMessageRenderer.Email([new DeRisk.Rules.AlertItem("r1", named.Rule, DeRisk.Tick.AlertState.Initial("s", "r1"), DeRisk.Rules.AlertNews.Fired)], view, DeRisk.Rules.AlertWording.Default).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rules_file_rule_is_an_api_rule_with_an_optional_id_defaulting_to_its_name()
    {
        var (rules, errors) = DeRisk.Backtest.BacktestRules.Parse("""{"rules":[{"kind":"depeg","asset":"UST","percent":3,"name":"UST watch"},{"kind":"depeg","asset":"USDC","percent":1},{"id":"x","kind":"depeg","asset":"UST","percent":5}]}""", asset => asset is "UST" or "USDC");

        Assert.Empty(errors);
        Assert.Equal(["UST watch", "rule2", "x"], rules!.Rules.Select(r => r.Id));
    }
}
