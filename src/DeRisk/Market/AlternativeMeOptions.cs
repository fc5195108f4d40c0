namespace DeRisk.Market;

public sealed class AlternativeMeOptions : UpstreamOptions
{
    public const string Section = "AlternativeMe";

    public AlternativeMeOptions() => BaseUrl = "https://api.alternative.me";
}
