namespace DeRisk.Tick;

/// <summary>Prices at an alert, kept in one column as "BTC=22461.23;FNG=7".</summary>
public static class AlertMarks
{
    public static string? Format(IEnumerable<(string Symbol, double Value)> marks)
    {
        var text = string.Join(';', marks.Select(m => m.Symbol + "=" + m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        return text.Length == 0 ? null : text;
    }

    public static double? Get(string? marks, string symbol)
    {
        foreach (var part in (marks ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var split = part.IndexOf('=', StringComparison.Ordinal);
            if (split > 0 && part.AsSpan(0, split).Equals(symbol, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(part.AsSpan(split + 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }
}
