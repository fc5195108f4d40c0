using System.ComponentModel.DataAnnotations;
using System.Net;
using PhoneNumbers;

namespace DeRisk.SignUp;

/// <summary>Sign-up, confirmation and token settings, and the anti-abuse limits that guard them.</summary>
public sealed class AccessOptions : IValidatableObject
{
    public const string Section = "Access";

    /// <summary>How long a confirmation code is valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Wrong codes accepted before a code is void (a new sign-up issues a new one).</summary>
    [Range(1, 10)]
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>Confirmation messages one phone number or email address may receive per UTC day (SMS pumping guard).</summary>
    [Range(1, 50)]
    public int CodesPerAddressPerDay { get; set; } = 3;

    /// <summary>Sign-up requests one client address may make per hour.</summary>
    [Range(1, 10_000)]
    public int SignUpsPerClientPerHour { get; set; } = 10;

    /// <summary>Confirmation attempts one client address may make per hour.</summary>
    [Range(1, 10_000)]
    public int ConfirmsPerClientPerHour { get; set; } = 30;

    /// <summary>
    /// How long a sign-up may stay unconfirmed before housekeeping deletes it with everything it holds (the phone
    /// number or email address given, and the preferences): nothing is kept about people who never confirmed.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan AbandonedSignUpAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long the MessageSid of an inbound SMS is remembered (housekeeping deletes older ones): a signed webhook
    /// replayed within this time changes nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "30.00:00:00", "3650.00:00:00")]
    public TimeSpan InboundReceiptRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Rules one subscriber may hold.</summary>
    [Range(1, 100)]
    public int MaxRulesPerSubscriber { get; set; } = 20;

    /// <summary>
    /// Countries (ISO 3166 region codes, comma-separated) whose mobile numbers may be sent SMS — a confirmation code or
    /// an alert. Twilio's advice against SMS pumping: allow only the countries you serve. Numbers of any other country,
    /// and non-geographic ranges such as satellite networks, are refused at sign-up.
    /// </summary>
    [Required]
    public string SmsCountries { get; set; } = DefaultSmsCountries;

    public const string DefaultSmsCountries = "US,CA,GB,IE,DE,FR,NL,BE,LU,AT,CH,ES,PT,IT,DK,SE,NO,FI,AU,NZ,SG,JP";

    /// <summary>
    /// Confirmation SMS the whole app may send per hour, across all clients: the ceiling a pumping attack that rotates
    /// clients and numbers still hits. Past it SMS codes are refused (429) while email sign-up goes on, and a warning
    /// (event 4110) tells the operator.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SmsCodesPerHour { get; set; } = 200;

    /// <summary>
    /// How many proxies in front of the app append the client's address to X-Forwarded-For: 1 behind Azure's front
    /// end, 0 when clients connect directly (the local host). Only that many right-most entries are believed, and only
    /// from a connection out of <see cref="TrustedProxyNetworks"/>; whatever a client writes to the left is ignored.
    /// </summary>
    [Range(0, 5)]
    public int TrustedProxyCount { get; set; }

    /// <summary>The networks (CIDR, comma-separated) a trusted proxy connects from; in Azure the Functions host hands requests to the worker over loopback.</summary>
    [Required]
    public string TrustedProxyNetworks { get; set; } = "127.0.0.0/8,::1/128";

    /// <summary>The allowed SMS countries, parsed.</summary>
    public IReadOnlySet<string> SmsCountrySet =>
        SmsCountries.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);

    /// <summary>The trusted proxy networks, parsed (a method: validation reads every property, and this one throws on bad input).</summary>
    public IReadOnlyList<IPNetwork> ParseTrustedNetworks() =>
        TrustedProxyNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => IPNetwork.Parse(n)).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var supported = PhoneNumberUtil.GetInstance().GetSupportedRegions();
        foreach (var country in SmsCountrySet.Where(c => !supported.Contains(c)))
        {
            yield return new ValidationResult($"'{country}' is not a country code libphonenumber knows (ISO 3166, e.g. US, GB).", [nameof(SmsCountries)]);
        }

        if (SmsCountrySet.Count == 0)
        {
            yield return new ValidationResult("Name at least one country, e.g. US.", [nameof(SmsCountries)]);
        }

        foreach (var network in TrustedProxyNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"'{network}' is not a network in CIDR form (e.g. 127.0.0.0/8).", [nameof(TrustedProxyNetworks)]);
        }
    }
}
