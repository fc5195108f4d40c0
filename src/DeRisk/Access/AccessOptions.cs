using System.ComponentModel.DataAnnotations;

namespace DeRisk.Access;

/// <summary>Sign-up, confirmation and token settings, and the anti-abuse limits that guard them.</summary>
public sealed class AccessOptions
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

    /// <summary>Rules one subscriber may hold.</summary>
    [Range(1, 100)]
    public int MaxRulesPerSubscriber { get; set; } = 20;

    /// <summary>
    /// The header carrying the client's address when a trusted front end sets it (Azure's front ends set
    /// X-Forwarded-For); empty to use the connection's remote address.
    /// </summary>
    public string? ClientAddressHeader { get; set; } = "X-Forwarded-For";
}
