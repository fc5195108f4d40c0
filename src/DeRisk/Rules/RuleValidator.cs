using System.Globalization;
using DeRisk.Contracts;
using DeRisk.Market;

namespace DeRisk.Rules;

/// <summary>
/// The checks a rule's record cannot say by its types: ranges, tracked assets, stablecoins, combination sizes and
/// lifecycle bounds. One method per kind; every mistake is reported at once under its field path, and the rule comes
/// back normalised (asset symbols upper-case and trimmed).
/// </summary>
public sealed class RuleValidator(Func<string, bool> isTrackedAsset, IReadOnlyCollection<string>? trackedSymbols = null)
{
    public const int MaxDepth = 3;
    public const int MaxChildren = 8;
    public static readonly TimeSpan MaxHold = TimeSpan.FromDays(7);
    public static readonly TimeSpan MinRepeat = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxRepeat = TimeSpan.FromDays(30);

    /// <summary>The normalised rule, or null with the reasons in <paramref name="errors"/>.</summary>
    public RuleSpec? Validate(RuleSpec rule, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(errors);
        var checkedRule = Check(rule, "", 1, errors);
        if (rule.For is { } hold && (hold < TimeSpan.Zero || hold > MaxHold))
        {
            errors.Add("for", $"Must be a duration such as \"30m\", \"6h\" or \"1d\", from 0m to {DurationJsonConverter.Format(MaxHold)}.");
        }

        if (rule.RepeatEvery is { } repeat && (repeat < MinRepeat || repeat > MaxRepeat))
        {
            errors.Add("repeatEvery", $"Must be a duration such as \"30m\", \"6h\" or \"1d\", from {DurationJsonConverter.Format(MinRepeat)} to {DurationJsonConverter.Format(MaxRepeat)}.");
        }

        if (rule.EscalateEvery is { } escalate)
        {
            if (!rule.CanEscalate)
            {
                errors.Add("escalateEvery", "Only priceChange, drawdown, depeg and portfolioDrawdown rules escalate.");
            }
            else if (!double.IsFinite(escalate) || escalate < 0 || escalate > 100 || (escalate > 0 && escalate < RuleSpec.MinEscalation))
            {
                errors.Add("escalateEvery", $"Must be 0 (off) or a number of percentage points from {RuleSpec.MinEscalation} to 100.");
            }
        }

        var name = rule.Name?.Trim();
        if (name is not null && (name.Length is 0 or > RuleSpec.MaxNameLength || name.Any(char.IsControl)))
        {
            errors.Add("name", $"Must be 1 to {RuleSpec.MaxNameLength} characters of text, when given.");
        }

        return errors.Count == 0 ? checkedRule with { Name = name } : null;
    }

    private RuleSpec Check(RuleSpec rule, string path, int depth, FieldErrors errors)
    {
        var f = new Fields(path, errors);
        if (depth > 1)
        {
            foreach (var (name, given) in new[] { ("name", rule.Name is not null), ("for", rule.For is not null), ("repeatEvery", rule.RepeatEvery is not null), ("allClear", rule.AllClear), ("escalateEvery", rule.EscalateEvery is not null) })
            {
                if (given)
                {
                    f.Error(name, "Only the top-level rule takes a name and lifecycle fields.");
                }
            }
        }

        return rule switch
        {
            PriceChangeRule r => CheckPriceChange(r, f),
            PriceLevelRule r => CheckPriceLevel(r, f),
            SentimentRule r => CheckSentiment(r, f),
            DepegRule r => CheckDepeg(r, f),
            DrawdownRule r => CheckDrawdown(r, f),
            PortfolioDrawdownRule r => CheckPortfolio(r, f),
            AllOfRule r => r with { Rules = CheckChildren(r.Rules, f, path, depth, errors) },
            AnyOfRule r => r with { Rules = CheckChildren(r.Rules, f, path, depth, errors) },
            _ => throw new InvalidOperationException($"No validation for {rule.GetType().Name}."),
        };
    }

    private PriceChangeRule CheckPriceChange(PriceChangeRule rule, Fields f)
    {
        f.Range("percent", rule.Percent, 0, rule.Direction == ChangeDirection.Drop ? 100 : 10_000);
        return rule with { Asset = Asset(f, "asset", rule.Asset) };
    }

    private PriceLevelRule CheckPriceLevel(PriceLevelRule rule, Fields f)
    {
        f.Range("level", rule.Level, 0, 1_000_000_000);
        return rule with { Asset = Asset(f, "asset", rule.Asset) };
    }

    private static SentimentRule CheckSentiment(SentimentRule rule, Fields f)
    {
        f.Range("value", rule.Value, -1, 100);
        return rule;
    }

    private DepegRule CheckDepeg(DepegRule rule, Fields f)
    {
        var asset = Asset(f, "asset", rule.Asset);
        if (!f.Has("asset") && !Assets.IsStablecoin(asset))
        {
            // A peg is a stablecoin's promise of $1; any other asset is "off its peg" all the time.
            f.Error("asset", $"'{ContractReader.Shorten(asset)}' is not a dollar stablecoin; depeg rules watch stablecoins such as USDC, USDT or UST.");
        }

        f.Range("percent", rule.Percent, 0, 50);
        return rule with { Asset = asset };
    }

    private DrawdownRule CheckDrawdown(DrawdownRule rule, Fields f)
    {
        f.Range("percent", rule.Percent, 0, 100);
        f.Range("days", rule.Days, 0, DrawdownRule.MaxDays);
        return rule with { Asset = Asset(f, "asset", rule.Asset) };
    }

    private PortfolioDrawdownRule CheckPortfolio(PortfolioDrawdownRule rule, Fields f)
    {
        f.Range("percent", rule.Percent, 0, 100);
        f.Range("days", rule.Days, 0, DrawdownRule.MaxDays);
        f.Range("maxRiskPercent", rule.MaxRiskPercent, 0, 100);
        var holdings = new Dictionary<string, double>(StringComparer.Ordinal);
        if (rule.Holdings.Count > PortfolioDrawdownRule.MaxHoldings)
        {
            f.Error("holdings", $"Must list 1 to {PortfolioDrawdownRule.MaxHoldings} assets.");
            return rule;
        }

        foreach (var (name, quantity) in rule.Holdings)
        {
            var asset = name.Trim().ToUpperInvariant();
            var field = "holdings." + ContractReader.Shorten(name);
            if (asset.Length == 0 || asset == Assets.FearAndGreed || !isTrackedAsset(asset))
            {
                f.Error(field, NotTracked(name));
            }
            else if (!double.IsFinite(quantity) || quantity <= 0 || quantity > 1e12)
            {
                f.Error(field, "Must be a quantity greater than 0.");
            }
            else if (!holdings.TryAdd(asset, quantity))
            {
                f.Error(field, "Listed twice.");
            }
        }

        if (rule.Holdings.Count == 0 || rule.Holdings.Count > PortfolioDrawdownRule.MaxHoldings)
        {
            f.Error("holdings", $"Must list 1 to {PortfolioDrawdownRule.MaxHoldings} assets.");
        }
        else if (holdings.Count > 0 && holdings.Keys.All(Assets.IsStablecoin))
        {
            f.Error("holdings", "Must hold at least one volatile asset.");
        }

        return rule with { Holdings = holdings };
    }

    private List<RuleSpec> CheckChildren(IReadOnlyList<RuleSpec> children, Fields f, string path, int depth, FieldErrors errors)
    {
        if (children.Count is < 2 or > MaxChildren)
        {
            f.Error("rules", $"Must hold 2 to {MaxChildren} rules.");
            return [.. children];
        }

        if (depth >= MaxDepth)
        {
            f.Error("rules", $"Combinations nest at most {MaxDepth} levels deep.");
            return [.. children];
        }

        return children.Select((child, index) => Check(child, $"{f.Prefix}rules[{index.ToString(CultureInfo.InvariantCulture)}]", depth + 1, errors)).ToList();
    }

    private string Asset(Fields f, string name, string given)
    {
        var asset = given.Trim().ToUpperInvariant();
        if (asset.Length == 0)
        {
            f.Error(name, "Must be a non-empty string.");
        }
        else if (asset == Assets.FearAndGreed || !isTrackedAsset(asset))
        {
            f.Error(name, NotTracked(given));
        }

        return asset;
    }

    /// <summary>Says which assets are tracked, so the subscriber can pick one.</summary>
    private string NotTracked(string asset) => trackedSymbols is { Count: > 0 }
        ? $"'{ContractReader.Shorten(asset)}' is not a tracked asset; tracked: {string.Join(", ", trackedSymbols)}."
        : $"'{ContractReader.Shorten(asset)}' is not a tracked asset.";

    /// <summary>Errors of one rule object, under its path.</summary>
    private sealed class Fields(string path, FieldErrors errors)
    {
        public string Prefix => path.Length == 0 ? "" : path + ".";

        public void Error(string field, string message) => errors.Add(Prefix + field, message);

        public bool Has(string field) => errors.HasAnyUnder(Prefix + field);

        /// <summary>A number in (exclusiveMin, max].</summary>
        public void Range(string field, double value, double exclusiveMin, double max)
        {
            if (!double.IsFinite(value) || value <= exclusiveMin || value > max)
            {
                Error(field, string.Create(CultureInfo.InvariantCulture, $"Must be greater than {exclusiveMin} and at most {max}."));
            }
        }
    }
}
