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
/// Double opt-in. A sign-up names a phone (mobile, E.164) and/or an email; each address gets a 6-digit code and stays
/// pending — no alert goes to it — until the code comes back through <see cref="ConfirmAsync"/>, which activates the
/// channel and returns a bearer token. Signing up with an address that already has a subscriber sends a code for that
/// subscriber and changes nothing else, so it works as a sign-in and discloses nothing. Codes are stored hashed,
/// expire, are single-use and allow a few tries; sign-ups and confirmations are limited per client address and
/// confirmation messages per phone number or email address per day (SMS pumping is the classic fraud on sign-up forms).
/// </summary>
public sealed partial class SignUpService(
    SubscriberStore subscribers,
    ContactStore contacts,
    TokenStore tokens,
    RateLimiter limiter,
    ISmsSender sms,
    IEmailSender email,
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
        var addresses = ReadAddresses(body, errors);
        if (errors.Count > 0)
        {
            return new ApiOutcome<SignUpView>.Invalid(errors);
        }

        var settings = options.Value;
        var client = await limiter.TryAcquireAsync("signup-client", clientAddress, settings.SignUpsPerClientPerHour, TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        if (!client.Allowed)
        {
            return new ApiOutcome<SignUpView>.Limited(client.RetryAfter, "Too many sign-ups from this client; try again later.");
        }

        foreach (var (channel, address) in addresses)
        {
            var perAddress = await limiter.TryAcquireAsync("codes-" + channel, address, settings.CodesPerAddressPerDay, TimeSpan.FromDays(1), cancellationToken).ConfigureAwait(false);
            if (!perAddress.Allowed)
            {
                return new ApiOutcome<SignUpView>.Limited(perAddress.RetryAfter, $"This {Describe(channel)} has had its confirmation codes for today.");
            }
        }

        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (channel, address) in addresses)
        {
            owners[channel] = await contacts.OwnerAsync(channel, address, cancellationToken).ConfigureAwait(false);
        }

        var known = owners.Values.Where(o => o is not null).Distinct(StringComparer.Ordinal).ToList();
        if (known.Count > 1)
        {
            return ApiOutcome.Error<SignUpView>("email", "This phone number and this email address belong to different subscribers; sign in with one of them.");
        }

        var now = time.GetUtcNow();
        var subscriberId = known.Count == 1 ? known[0]! : await CreatePendingAsync(addresses, preferences, now, cancellationToken).ConfigureAwait(false);
        if (known.Count == 0)
        {
            foreach (var (channel, address) in addresses)
            {
                await contacts.ClaimAsync(channel, address, subscriberId, cancellationToken).ConfigureAwait(false);
            }
        }

        // For a known subscriber a new address changes nothing yet: it lives only in its code row until the code
        // comes back (ConfirmAsync), so nobody who merely knows a subscriber's number can change their email.
        var expiresAt = now + settings.CodeLifetime;
        foreach (var (channel, address) in addresses)
        {
            var code = await contacts.IssueCodeAsync(channel, address, subscriberId, expiresAt, settings.MaxCodeAttempts, cancellationToken).ConfigureAwait(false);
            var text = string.Create(CultureInfo.InvariantCulture, $"DeRisk code: {code}. It expires in {settings.CodeLifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this message.");
            var messageId = $"confirm-{subscriberId}-{channel}-{now.ToUnixTimeSeconds()}";
            var result = channel == Notification.SmsChannel
                ? await sms.SendAsync(new SmsMessage(address, text, subscriberId, messageId), cancellationToken).ConfigureAwait(false)
                : await email.SendAsync(new EmailMessage(address, "Your DeRisk confirmation code", text, subscriberId, messageId), cancellationToken).ConfigureAwait(false);
            switch (result)
            {
                case SendResult.Accepted:
                    var masked = Mask(channel, address);
                    LogCodeSent(logger, subscriberId, channel, masked);
                    break;
                case SendResult.Permanent permanent:
                    LogCodeRefused(logger, subscriberId, channel, permanent.Error);
                    return ApiOutcome.Error<SignUpView>(channel == Notification.SmsChannel ? "phone" : "email", $"This {Describe(channel)} cannot receive messages: {permanent.Error}");
                case SendResult.Transient transient:
                    return new ApiOutcome<SignUpView>.Unavailable("The confirmation code could not be sent just now; try again shortly.", transient.RetryAfter);
                default:
                    return new ApiOutcome<SignUpView>.Unavailable("The confirmation code could not be sent just now; try again shortly.", null);
            }
        }

        return new ApiOutcome<SignUpView>.Accepted(new SignUpView(addresses.Select(a => a.Channel).ToList(), expiresAt));
    }

    public async Task<ApiOutcome<TokenView>> ConfirmAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!JsonFields.RequireObject(body, errors))
        {
            return new ApiOutcome<TokenView>.Invalid(errors);
        }

        JsonFields.RejectUnknown(body, ConfirmFields, errors);
        var addresses = ReadAddresses(body, errors);
        if (addresses.Count > 1)
        {
            errors["email"] = ["Confirm one address at a time: give phone or email, not both."];
        }

        var code = JsonFields.OptionalString(body, "code", errors);
        if (!errors.ContainsKey("code") && (code is not { Length: 6 } || !code.All(char.IsAsciiDigit)))
        {
            errors["code"] = ["Required: the 6-digit code that was sent."];
        }

        if (errors.Count > 0)
        {
            return new ApiOutcome<TokenView>.Invalid(errors);
        }

        var client = await limiter.TryAcquireAsync("confirm-client", clientAddress, options.Value.ConfirmsPerClientPerHour, TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        if (!client.Allowed)
        {
            return new ApiOutcome<TokenView>.Limited(client.RetryAfter, "Too many confirmation attempts from this client; try again later.");
        }

        var (channel, address) = addresses[0];
        var now = time.GetUtcNow();
        switch (await contacts.CheckCodeAsync(channel, address, code!, now, cancellationToken).ConfigureAwait(false))
        {
            case CodeCheck.Confirmed confirmed:
                if (!await ActivateAsync(confirmed.SubscriberId, channel, address, now, cancellationToken).ConfigureAwait(false))
                {
                    return ApiOutcome.Error<TokenView>("code", "No valid code for this address: it expired, was used, or had too many wrong tries. Sign up again for a new one.");
                }

                var token = await tokens.IssueAsync(confirmed.SubscriberId, now, cancellationToken).ConfigureAwait(false);
                LogConfirmed(logger, confirmed.SubscriberId, channel);
                return new ApiOutcome<TokenView>.Ok(new TokenView(confirmed.SubscriberId, token));
            case CodeCheck.Wrong { TriesLeft: > 0 } wrong:
                return ApiOutcome.Error<TokenView>("code", string.Create(CultureInfo.InvariantCulture, $"Wrong code; {wrong.TriesLeft} tries left."));
            default:
                return ApiOutcome.Error<TokenView>("code", "No valid code for this address: it expired, was used, or had too many wrong tries. Sign up again for a new one.");
        }
    }

    /// <summary>
    /// A confirmed code makes the address the subscriber's active channel: claimed for them (false if another
    /// subscriber holds it, or the subscriber is gone), set on the profile, and the address it replaces forgotten.
    /// </summary>
    private async Task<bool> ActivateAsync(string subscriberId, string channel, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (profile is null || await contacts.ClaimAsync(channel, address, subscriberId, cancellationToken).ConfigureAwait(false) != subscriberId)
        {
            return false;
        }

        var current = profile.ChannelFor(channel).Address;
        if (string.Equals(current, address, StringComparison.OrdinalIgnoreCase))
        {
            return await subscribers.SetChannelStateAsync(subscriberId, channel, ChannelState.Active, "confirmed by code", now, cancellationToken).ConfigureAwait(false);
        }

        if (!await subscribers.SetAddressAsync(subscriberId, channel, address, ChannelState.Active, now, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (current is not null)
        {
            await contacts.ForgetAsync(channel, current, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<string> CreatePendingAsync(IReadOnlyList<(string Channel, string Address)> addresses, DeliveryPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken)
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

    /// <summary>The phone and/or email of a body, normalised; at least one is required.</summary>
    private static List<(string Channel, string Address)> ReadAddresses(JsonElement body, Dictionary<string, string[]> errors)
    {
        var found = new List<(string, string)>();
        var rawPhone = JsonFields.OptionalString(body, "phone", errors);
        var rawEmail = JsonFields.OptionalString(body, "email", errors);
        if (rawPhone is null && rawEmail is null && !errors.ContainsKey("phone") && !errors.ContainsKey("email"))
        {
            errors["phone"] = ["Give a phone number (E.164, mobile) or an email address, or both."];
            return found;
        }

        if (rawPhone is not null)
        {
            if (PhoneNumberRules.TryNormalize(rawPhone, out var phone, out var error))
            {
                found.Add((Notification.SmsChannel, phone));
            }
            else
            {
                errors["phone"] = [error];
            }
        }

        if (rawEmail is not null)
        {
            if (EmailAddressRules.TryNormalize(rawEmail, out var address, out var error))
            {
                found.Add((Notification.EmailChannel, address));
            }
            else
            {
                errors["email"] = [error];
            }
        }

        return found;
    }

    private static string Describe(string channel) => channel == Notification.SmsChannel ? "phone number" : "email address";

    private static string Mask(string channel, string address) => channel == Notification.SmsChannel ? Redact.Phone(address) : Redact.Email(address);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Subscriber {SubscriberId} created, pending confirmation")]
    private static partial void LogCreated(ILogger logger, string subscriberId);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Confirmation code for subscriber {SubscriberId} sent by {Channel} to {Address}")]
    private static partial void LogCodeSent(ILogger logger, string subscriberId, string channel, string address);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Confirmation code for subscriber {SubscriberId} refused by the {Channel} provider: {Error}")]
    private static partial void LogCodeRefused(ILogger logger, string subscriberId, string channel, string error);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Subscriber {SubscriberId} confirmed {Channel}; token issued")]
    private static partial void LogConfirmed(ILogger logger, string subscriberId, string channel);
}
