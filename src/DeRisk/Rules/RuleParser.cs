using System.Globalization;
using System.Text.Json;
using DeRisk.Market;

namespace DeRisk.Rules;

/// <summary>
/// Reads a rule from JSON and checks it field by field, so a client learns every mistake at once, each named by its
/// path ("percent", "rules[1].value"). Unknown fields are errors: a misspelt "percnt" must not silently become a
/// rule without a threshold.
/// </summary>
public sealed class RuleParser(Func<string, bool> isTrackedAsset, IReadOnlyCollection<string>? trackedSymbols = null)
{
    public const int MaxDepth = 3;
    public const int MaxChildren = 8;

    private static readonly string[] Kinds = [PriceChangeRule.Kind, PriceLevelRule.Kind, SentimentRule.Kind, DepegRule.Kind, DrawdownRule.Kind, PortfolioDrawdownRule.Kind, AllOfRule.Kind, AnyOfRule.Kind];
    private static readonly string[] LifecycleFields = ["for", "repeatEvery", "allClear"];
    private static readonly TimeSpan MaxHold = TimeSpan.FromDays(7);
    private static readonly TimeSpan MinRepeat = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxRepeat = TimeSpan.FromDays(30);

    public RuleParseResult Parse(JsonElement json)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rule = ParseRule(json, "", 1, errors);
        return errors.Count > 0 || rule is null ? RuleParseResult.Invalid(errors) : RuleParseResult.Valid(rule);
    }

    private RuleSpec? ParseRule(JsonElement json, string path, int depth, Dictionary<string, List<string>> errors)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            Add(errors, path.Length == 0 ? "$" : path, "A rule must be a JSON object.");
            return null;
        }

        var f = new Fields(json, path, errors);
        if (!json.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
        {
            f.Error("kind", $"Required: one of {string.Join(", ", Kinds)}.");
            return null;
        }

        var kind = kindElement.GetString();
        string[] own = kind switch
        {
            PriceChangeRule.Kind => ["asset", "direction", "percent", "window"],
            PriceLevelRule.Kind => ["asset", "when", "level"],
            SentimentRule.Kind => ["when", "value"],
            DepegRule.Kind => ["asset", "percent"],
            DrawdownRule.Kind => ["asset", "percent", "days"],
            PortfolioDrawdownRule.Kind => ["holdings", "percent", "days", "maxRiskPercent"],
            AllOfRule.Kind or AnyOfRule.Kind => ["rules"],
            _ => [],
        };
        if (own.Length == 0)
        {
            f.Error("kind", $"Unknown rule kind '{Shorten(kind)}'; expected one of {string.Join(", ", Kinds)}.");
            return null;
        }

        var topLevel = depth == 1;
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name == "kind" || own.Contains(property.Name, StringComparer.Ordinal))
            {
                continue;
            }

            if (LifecycleFields.Contains(property.Name, StringComparer.Ordinal))
            {
                if (!topLevel)
                {
                    f.Error(property.Name, "Only the top-level rule takes lifecycle fields.");
                }

                continue;
            }

            f.Error(Shorten(property.Name), "Unknown field.");
        }

        RuleSpec? rule = kind switch
        {
            PriceChangeRule.Kind => ParsePriceChange(f),
            PriceLevelRule.Kind => ParsePriceLevel(f),
            SentimentRule.Kind => ParseSentiment(f),
            DepegRule.Kind => ParseDepeg(f),
            DrawdownRule.Kind => ParseDrawdown(f),
            PortfolioDrawdownRule.Kind => ParsePortfolio(f, json),
            AllOfRule.Kind => ParseChildren(f, json, path, depth, errors) is { } all ? new AllOfRule(all) : null,
            _ => ParseChildren(f, json, path, depth, errors) is { } any ? new AnyOfRule(any) : null,
        };

        if (!topLevel || rule is null)
        {
            return rule;
        }

        var hold = f.OptionalDuration("for", TimeSpan.Zero, MaxHold);
        var repeat = f.OptionalDuration("repeatEvery", MinRepeat, MaxRepeat);
        var allClear = f.OptionalBool("allClear");
        return rule with { For = hold, RepeatEvery = repeat, AllClear = allClear };
    }

    private PriceChangeRule? ParsePriceChange(Fields f)
    {
        var asset = Asset(f, "asset");
        ChangeDirection? direction = f.String("direction") switch
        {
            null => null,
            "drop" => ChangeDirection.Drop,
            "rise" => ChangeDirection.Rise,
            var other => f.Error<ChangeDirection>("direction", $"'{Shorten(other)}' is not 'drop' or 'rise'."),
        };
        var percent = f.Number("percent", 0, direction == ChangeDirection.Drop ? 100 : 10_000);
        var window = f.String("window");
        if (window is not null && RuleWindows.Parse(window) is null)
        {
            f.Error("window", $"'{Shorten(window)}' is not one of {string.Join(", ", RuleWindows.All.Keys)}.");
            window = null;
        }

        return asset is null || direction is null || percent is null || window is null
            ? null
            : new PriceChangeRule(asset, direction.Value, percent.Value, window);
    }

    private PriceLevelRule? ParsePriceLevel(Fields f)
    {
        var asset = Asset(f, "asset");
        var when = Compare(f, "when", Comparison.Below, Comparison.Above);
        var level = f.Number("level", 0, 1_000_000_000);
        return asset is null || when is null || level is null ? null : new PriceLevelRule(asset, when.Value, level.Value);
    }

    private static SentimentRule? ParseSentiment(Fields f)
    {
        var when = Compare(f, "when", Comparison.AtOrBelow, Comparison.AtOrAbove);
        var value = f.Number("value", -1, 100, integer: true);
        return when is null || value is null ? null : new SentimentRule(when.Value, (int)value.Value);
    }

    private DepegRule? ParseDepeg(Fields f)
    {
        var asset = Asset(f, "asset");
        if (asset is not null && !Assets.IsStablecoin(asset))
        {
            // A peg is a stablecoin's promise of $1; any other asset is "off its peg" all the time.
            f.Error("asset", $"'{Shorten(asset)}' is not a dollar stablecoin; depeg rules watch stablecoins such as USDC, USDT or UST.");
            asset = null;
        }

        var percent = f.Number("percent", 0, 50);
        return asset is null || percent is null ? null : new DepegRule(asset, percent.Value);
    }

    private DrawdownRule? ParseDrawdown(Fields f)
    {
        var asset = Asset(f, "asset");
        var percent = f.Number("percent", 0, 100);
        var days = f.Number("days", 0, DrawdownRule.MaxDays, integer: true);
        return asset is null || percent is null || days is null ? null : new DrawdownRule(asset, percent.Value, (int)days.Value);
    }

    private PortfolioDrawdownRule? ParsePortfolio(Fields f, JsonElement json)
    {
        var percent = f.Number("percent", 0, 100);
        var days = f.Number("days", 0, DrawdownRule.MaxDays, integer: true);
        var maxRisk = f.Number("maxRiskPercent", 0, 100);
        Dictionary<string, double>? holdings = null;
        if (!json.TryGetProperty("holdings", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            f.Error("holdings", "Required: an object of asset -> quantity, e.g. {\"BTC\": 0.5, \"USDC\": 2000}.");
        }
        else
        {
            holdings = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var holding in element.EnumerateObject())
            {
                var asset = holding.Name.ToUpperInvariant();
                var field = "holdings." + Shorten(holding.Name);
                if (asset == Assets.FearAndGreed || !isTrackedAsset(asset))
                {
                    f.Error(field, NotTracked(holding.Name));
                }
                else if (holding.Value.ValueKind != JsonValueKind.Number || !holding.Value.TryGetDouble(out var quantity) || !double.IsFinite(quantity) || quantity <= 0 || quantity > 1e12)
                {
                    f.Error(field, "Must be a quantity greater than 0.");
                }
                else if (!holdings.TryAdd(asset, quantity))
                {
                    f.Error(field, "Listed twice.");
                }
            }

            if (holdings.Count == 0 || holdings.Count > PortfolioDrawdownRule.MaxHoldings)
            {
                f.Error("holdings", $"Must list 1 to {PortfolioDrawdownRule.MaxHoldings} assets.");
            }
            else if (holdings.Keys.All(Assets.IsStablecoin))
            {
                f.Error("holdings", "Must hold at least one volatile asset.");
            }
        }

        return percent is null || days is null || maxRisk is null || holdings is null || f.HasErrors
            ? null
            : new PortfolioDrawdownRule(holdings, percent.Value, (int)days.Value, maxRisk.Value);
    }

    private List<RuleSpec>? ParseChildren(Fields f, JsonElement json, string path, int depth, Dictionary<string, List<string>> errors)
    {
        if (!json.TryGetProperty("rules", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            f.Error("rules", $"Required: an array of 2 to {MaxChildren} rules.");
            return null;
        }

        if (array.GetArrayLength() is < 2 or > MaxChildren)
        {
            f.Error("rules", $"Must hold 2 to {MaxChildren} rules.");
            return null;
        }

        if (depth >= MaxDepth)
        {
            f.Error("rules", $"Combinations nest at most {MaxDepth} levels deep.");
            return null;
        }

        var children = new List<RuleSpec>();
        var index = 0;
        foreach (var child in array.EnumerateArray())
        {
            var parsed = ParseRule(child, $"{f.Prefix}rules[{index.ToString(CultureInfo.InvariantCulture)}]", depth + 1, errors);
            if (parsed is not null)
            {
                children.Add(parsed);
            }

            index++;
        }

        return children.Count == index ? children : null;
    }

    private string? Asset(Fields f, string name)
    {
        var asset = f.String(name)?.ToUpperInvariant();
        if (asset is not null && (asset == Assets.FearAndGreed || !isTrackedAsset(asset)))
        {
            f.Error(name, NotTracked(asset));
            return null;
        }

        return asset;
    }

    private static Comparison? Compare(Fields f, string name, Comparison first, Comparison second)
    {
        var text = f.String(name);
        if (text is null)
        {
            return null;
        }

        foreach (var option in new[] { first, second })
        {
            if (string.Equals(text, JsonNamingPolicy.CamelCase.ConvertName(option.ToString()), StringComparison.Ordinal))
            {
                return option;
            }
        }

        f.Error(name, $"'{Shorten(text)}' is not '{JsonNamingPolicy.CamelCase.ConvertName(first.ToString())}' or '{JsonNamingPolicy.CamelCase.ConvertName(second.ToString())}'.");
        return null;
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Echo at most 40 characters of client input in an error.</summary>
    /// <summary>Says which assets are tracked, so the subscriber can pick one.</summary>
    private string NotTracked(string asset) => trackedSymbols is { Count: > 0 }
        ? $"'{Shorten(asset)}' is not a tracked asset; tracked: {string.Join(", ", trackedSymbols)}."
        : $"'{Shorten(asset)}' is not a tracked asset.";

    private static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>Typed reads of one rule object's fields, each failure recorded under the field's path.</summary>
    private sealed class Fields(JsonElement json, string path, Dictionary<string, List<string>> errors)
    {
        public string Prefix => path.Length == 0 ? "" : path + ".";

        public bool HasErrors => errors.Keys.Any(k => k.StartsWith(Prefix, StringComparison.Ordinal) || Prefix.Length == 0);

        public void Error(string field, string message) => Add(errors, Prefix + field, message);

        public T? Error<T>(string field, string message)
            where T : struct
        {
            Error(field, message);
            return null;
        }

        public string? String(string name)
        {
            if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                Error(name, "Required.");
                return null;
            }

            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                Error(name, "Must be a non-empty string.");
                return null;
            }

            return value.GetString()!.Trim();
        }

        /// <summary>A number in (exclusiveMin, max].</summary>
        public double? Number(string name, double exclusiveMin, double max, bool integer = false)
        {
            if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                Error(name, "Required.");
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number)
                || (integer && number != Math.Floor(number)))
            {
                Error(name, integer ? "Must be a whole number." : "Must be a number.");
                return null;
            }

            if (number <= exclusiveMin || number > max)
            {
                Error(name, string.Create(CultureInfo.InvariantCulture, $"Must be greater than {exclusiveMin} and at most {max}."));
                return null;
            }

            return number;
        }

        public string? OptionalDuration(string name, TimeSpan min, TimeSpan max)
        {
            if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var span = value.ValueKind == JsonValueKind.String ? Durations.Parse(value.GetString()) : null;
            if (span is null || span < min || span > max)
            {
                Error(name, $"Must be a duration such as \"30m\", \"6h\" or \"1d\", from {Describe(min)} to {Describe(max)}.");
                return null;
            }

            return value.GetString();
        }

        public bool OptionalBool(string name)
        {
            if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return false;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error(name, "Must be true or false.");
                return false;
            }

            return value.GetBoolean();
        }

        private static string Describe(TimeSpan span) =>
            span.TotalDays >= 1 ? $"{span.TotalDays:0}d" : span.TotalHours >= 1 ? $"{span.TotalHours:0}h" : $"{span.TotalMinutes:0}m";
    }
}

/// <summary>A parsed rule, or the errors per field.</summary>
public sealed record RuleParseResult(RuleSpec? Rule, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Rule is not null;

    public static RuleParseResult Valid(RuleSpec rule) => new(rule, new Dictionary<string, string[]>());

    public static RuleParseResult Invalid(Dictionary<string, List<string>> errors) =>
        new(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
