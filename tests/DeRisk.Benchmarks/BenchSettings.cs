namespace DeRisk.Benchmarks;

/// <summary>What every Azurite-backed benchmark and load run needs: the storage scripts/bench.sh started, its own tables, valid provider settings.</summary>
public static class BenchSettings
{
    public static string Storage =>
        Environment.GetEnvironmentVariable("DERISK_BENCH_STORAGE")
        ?? throw new InvalidOperationException("Set DERISK_BENCH_STORAGE to an Azurite connection string (scripts/bench.sh does).");

    /// <summary>Settings for a host on Azurite with a fresh table prefix; <paramref name="extra"/> adds or overrides.</summary>
    public static Dictionary<string, string?> For(string prefixLetter, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Market:Mode"] = "Live",
            ["Market:BackfillOnStart"] = "false",
            ["Storage:ConnectionString"] = Storage,
            ["Storage:TablePrefix"] = prefixLetter + Guid.NewGuid().ToString("N")[..10],
            ["Twilio:AccountSid"] = "ACbenchmark",
            ["Twilio:AuthToken"] = "token",
            ["Twilio:FromNumber"] = "+15005550006",
            ["SendGrid:ApiKey"] = "SG.benchmark",
            ["SendGrid:FromEmail"] = "alerts@example.com",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
