using System.Globalization;
using System.Text.Json;
using DeRisk.Delivery;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Access;

public sealed record SignUpView(IReadOnlyList<string> Channels, DateTimeOffset ExpiresAt);

public sealed record TokenView(string SubscriberId, string Token, string TokenType = "Bearer");

/// <summary>
/// Double opt-in, anonymous. A sign-up names a phone (mobile, in an allowed country) and/or an email; each address
/// gets a 6-digit code. Whose code it is follows one rule: an address somebody has confirmed is theirs, so its code
/// signs that subscriber in and proves that address only; an address nobody holds gets a code for a new subscriber
/// created by this sign-up (with every address the request named, pending). So a sign-up never attaches an address to
/// an existing subscriber — adding one takes the subscriber's token (<see cref="ChannelService"/>) — and it answers
/// every well-formed request the same way, 202 with the channels the codes went to, whoever holds the addresses.
/// Codes are stored hashed, expire, are single-use and allow a few tries; sign-ups and confirmations are limited per
/// client, codes per address per day and confirmation SMS per hour app-wide, and a refused request counts against none.
/// </summary>
public sealed partial class SignUpService(
    SubscriberStore subscribers,
    ContactStore contacts,
    TokenStore tokens,
    RateLimiter limiter,
    ConfirmationCodes codes,
    IOptions<AccessOptions> options,
    TimeProvider time,
    ILogger<SignUpService> logger)
{
    private static readonly string[] SignUpFields = ["phone", "email", "timeZone", "quietHours", "dailyCap"];
    private static readonly string[] ConfirmFields = ["phone", "email", "code"];

    public async Task<ApiOutcome<SignUpView>> SignUpAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!JsonFields.RequireObject(body, errors))
        {
            return new ApiOutcome<SignUpView>.Invalid(errors);
        }

        JsonFields.RejectUnknown(body, SignUpFields, errors);
        var preferences = DeliveryPreferencesJson.Read(body, errors);
        var addresses = codes.ReadAddresses(body, errors);
        if (errors.Count > 0)
        {
            return new ApiOutcome<SignUpView>.Invalid(errors);
        }

        var settings = options.Value;
        var client = new LimitRequest(ConfirmationCodes.ClientSignUpLimit, clientAddress, settings.SignUpsPerClientPerHour, TimeSpan.FromHours(1));
        if (await codes.TryTakeLimitsAsync<SignUpView>(addresses, [client], cancellationToken).ConfigureAwait(false) is { } limited)
        {
            return limited;
        }

        var owners = new List<string?>();
        foreach (var address in addresses)
        {
            owners.Add(await contacts.OwnerAsync(address.Channel, address.Address, cancellationToken).ConfigureAwait(false));
        }

        var now = time.GetUtcNow();
        var newSubscriber = owners.Any(o => o is null) ? await CreatePendingAsync(addresses, preferences, now, cancellationToken).ConfigureAwait(false) : null;
        for (var i = 0; i < addresses.Count; i++)
        {
            var failed = await codes.SendAsync<SignUpView>(addresses[i], owners[i] ?? newSubscriber!, CodePurpose.SignUp, now, cancellationToken).ConfigureAwait(false);
            if (failed is not null)
            {
                return failed;
            }
        }

        return new ApiOutcome<SignUpView>.Accepted(new SignUpView(addresses.Select(a => a.Channel).ToList(), now + settings.CodeLifetime));
    }

    public async Task<ApiOutcome<TokenView>> ConfirmAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!JsonFields.RequireObject(body, errors))
        {
            return new ApiOutcome<TokenView>.Invalid(errors);
        }

        JsonFields.RejectUnknown(body, ConfirmFields, errors);
        var (address, code) = ReadCodeAndAddress(body, codes, errors);
        if (errors.Count > 0)
        {
            return new ApiOutcome<TokenView>.Invalid(errors);
        }

        var client = await limiter.TryAcquireAsync("confirm-client", clientAddress, options.Value.ConfirmsPerClientPerHour, TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        if (!client.Allowed)
        {
            return new ApiOutcome<TokenView>.Limited(client.RetryAfter, "Too many confirmation attempts from this client; try again later.");
        }

        var now = time.GetUtcNow();
        switch (await contacts.CheckCodeAsync(address.Channel, address.Address, code, CodePurpose.SignUp, null, now, cancellationToken).ConfigureAwait(false))
        {
            case CodeCheck.Confirmed confirmed:
                if (await ActivateAsync(contacts, subscribers, confirmed.SubscriberId, address, now, cancellationToken).ConfigureAwait(false) is not ActivationResult.Activated)
                {
                    return NoValidCode<TokenView>();
                }

                var token = await tokens.IssueAsync(confirmed.SubscriberId, now, cancellationToken).ConfigureAwait(false);
                LogConfirmed(logger, confirmed.SubscriberId, address.Channel);
                return new ApiOutcome<TokenView>.Ok(new TokenView(confirmed.SubscriberId, token));
            case CodeCheck.Wrong { TriesLeft: > 0 } wrong:
                return ApiOutcome.Error<TokenView>("code", string.Create(CultureInfo.InvariantCulture, $"Wrong code; {wrong.TriesLeft} tries left."));
            default:
                return NoValidCode<TokenView>();
        }
    }

    /// <summary>The one address (phone or email) and the 6-digit code of a confirmation body.</summary>
    internal static (ContactAddress Address, string Code) ReadCodeAndAddress(JsonElement body, ConfirmationCodes codes, Dictionary<string, string[]> errors)
    {
        var addresses = codes.ReadAddresses(body, errors);
        if (addresses.Count > 1)
        {
            errors["email"] = ["Confirm one address at a time: give phone or email, not both."];
        }

        var code = JsonFields.OptionalString(body, "code", errors);
        if (!errors.ContainsKey("code") && (code is not { Length: 6 } || !code.All(char.IsAsciiDigit)))
        {
            errors["code"] = ["Required: the 6-digit code that was sent."];
        }

        return (addresses.FirstOrDefault(), code ?? "");
    }

    internal static ApiOutcome<T>.Invalid NoValidCode<T>() =>
        ApiOutcome.Error<T>("code", "No valid code for this address: it expired, was used, or had too many wrong tries. Ask for a new one.");

    internal enum ActivationResult
    {
        Activated,

        /// <summary>Another subscriber confirmed the address first.</summary>
        HeldByAnother,

        /// <summary>The subscriber is gone.</summary>
        NoSubscriber,
    }

    /// <summary>
    /// A confirmed code makes the address the subscriber's active channel: claimed for them, set on the profile, and
    /// the address it replaces forgotten (only what tied it to this subscriber).
    /// </summary>
    internal static async Task<ActivationResult> ActivateAsync(ContactStore contacts, SubscriberStore subscribers, string subscriberId, ContactAddress address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return ActivationResult.NoSubscriber;
        }

        if (await contacts.ClaimAsync(address.Channel, address.Address, subscriberId, cancellationToken).ConfigureAwait(false) != subscriberId)
        {
            return ActivationResult.HeldByAnother;
        }

        var current = profile.ChannelFor(address.Channel).Address;
        if (string.Equals(current, address.Address, StringComparison.OrdinalIgnoreCase))
        {
            return await subscribers.SetChannelStateAsync(subscriberId, address.Channel, ChannelState.Active, "confirmed by code", now, cancellationToken).ConfigureAwait(false)
                ? ActivationResult.Activated : ActivationResult.NoSubscriber;
        }

        if (!await subscribers.SetAddressAsync(subscriberId, address.Channel, address.Address, ChannelState.Active, now, cancellationToken).ConfigureAwait(false))
        {
            return ActivationResult.NoSubscriber;
        }

        if (current is not null)
        {
            await contacts.ForgetAsync(address.Channel, current, subscriberId, cancellationToken).ConfigureAwait(false);
        }

        return ActivationResult.Activated;
    }

    /// <summary>
    /// A new subscriber for a sign-up that named an address nobody holds: every address of the request is on it,
    /// pending, whoever holds the others (so what the new subscriber later sees says nothing about anybody else), and
    /// only the unheld addresses' codes are theirs. Nothing is claimed until a code comes back.
    /// </summary>
    private async Task<string> CreatePendingAsync(IReadOnlyList<ContactAddress> addresses, DeliveryPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var phone = addresses.FirstOrDefault(a => a.Channel == Notification.SmsChannel).Address;
        var mail = addresses.FirstOrDefault(a => a.Channel == Notification.EmailChannel).Address;
        var subscriber = new Subscriber(
            RowKeys.NewId(time),
            phone,
            phone is null ? ChannelState.None : ChannelState.Pending,
            mail,
            mail is null ? ChannelState.None : ChannelState.Pending,
            now,
            preferences);
        if (!await subscribers.TryCreateAsync(subscriber, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A freshly generated subscriber id already exists.");
        }

        LogCreated(logger, subscriber.Id);
        return subscriber.Id;
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Subscriber {SubscriberId} created, pending confirmation")]
    private static partial void LogCreated(ILogger logger, string subscriberId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Subscriber {SubscriberId} confirmed {Channel}; token issued")]
    private static partial void LogConfirmed(ILogger logger, string subscriberId, string channel);
}
