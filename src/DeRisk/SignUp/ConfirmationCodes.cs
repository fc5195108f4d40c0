using System.Globalization;
using DeRisk.Contracts;
using DeRisk.Delivery;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.SignUp;

/// <summary>
/// Sending 6-digit confirmation codes, for sign-up and for a subscriber's new address alike: the addresses a request
/// names (a phone DeRisk may text, an email), the anti-abuse limits a code costs — per address per day, and for SMS
/// the app-wide hourly ceiling — taken all or none, the send itself, and what a confirmed code makes of the address.
/// </summary>
public sealed class ConfirmationCodes(
    ContactStore contacts,
    SubscriberStore subscribers,
    RateLimiter limiter,
    ISmsSender sms,
    IEmailSender email,
    IOptions<AccessOptions> options,
    ILogger<ConfirmationCodes> logger)
{
    public const string ClientSignUpLimit = "signup-client";
    public const string SmsCeilingLimit = "sms-codes-global";

    /// <summary>The phone and/or email of a body, normalised; at least one is required. Every problem lands in <paramref name="errors"/>.</summary>
    public List<ContactAddress> ReadAddresses(string? rawPhone, string? rawEmail, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var found = new List<ContactAddress>();
        if (rawPhone is null && rawEmail is null)
        {
            errors.Add("phone", "Give a phone number (E.164, mobile) or an email address, or both.");
            return found;
        }

        if (rawPhone is not null)
        {
            if (PhoneNumberRules.TryNormalizeForSms(rawPhone, options.Value.SmsCountrySet, out var phone, out var error))
            {
                found.Add(new ContactAddress(Notification.SmsChannel, phone));
            }
            else
            {
                errors.Add("phone", error);
            }
        }

        if (rawEmail is not null)
        {
            if (EmailAddressRules.TryNormalize(rawEmail, out var address, out var error))
            {
                found.Add(new ContactAddress(Notification.EmailChannel, address));
            }
            else
            {
                errors.Add("email", error);
            }
        }

        return found;
    }

    /// <summary>
    /// Takes the limits that codes to these addresses cost, plus <paramref name="extra"/> (the client's), all or none;
    /// null when taken, else the 429 to answer. Addresses are counted case-insensitively, by hash.
    /// </summary>
    public async Task<ApiOutcome<T>.Limited?> TryTakeLimitsAsync<T>(IReadOnlyList<ContactAddress> addresses, IEnumerable<LimitRequest> extra, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var requests = extra.ToList();
        requests.AddRange(addresses.Select(a => new LimitRequest("codes-" + a.Channel, ContactStore.Key(a.Channel, a.Address), settings.CodesPerAddressPerDay, TimeSpan.FromDays(1))));
        if (addresses.Any(a => a.Channel == Notification.SmsChannel))
        {
            requests.Add(new LimitRequest(SmsCeilingLimit, "all", settings.SmsCodesPerHour, TimeSpan.FromHours(1)));
        }

        var (refused, retryAfter) = await limiter.TryAcquireAllAsync(requests, cancellationToken).ConfigureAwait(false);
        if (refused is null)
        {
            return null;
        }

        if (refused.Limit == SmsCeilingLimit)
        {
            SignUpLog.SmsCeiling(logger, settings.SmsCodesPerHour, retryAfter);
            return new ApiOutcome<T>.Limited(retryAfter, "DeRisk is sending too many confirmation SMS right now; try again later, or use an email address.");
        }

        if (refused.Limit == ClientSignUpLimit)
        {
            return new ApiOutcome<T>.Limited(retryAfter, "Too many sign-ups from this client; try again later.");
        }

        var address = addresses.First(a => "codes-" + a.Channel == refused.Limit);
        return new ApiOutcome<T>.Limited(retryAfter, $"This {address.Describe()} has had its confirmation codes for today.");
    }

    /// <summary>
    /// Issues a code for the address (bound to <paramref name="subscriberId"/> and <paramref name="purpose"/>) and
    /// sends it; null when the provider took it, else the outcome to answer.
    /// </summary>
    public async Task<ApiOutcome<T>?> SendAsync<T>(ContactAddress address, string subscriberId, CodePurpose purpose, string? signUpHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var code = await contacts.IssueCodeAsync(address.Channel, address.Address, subscriberId, purpose, signUpHash, now + settings.CodeLifetime, settings.MaxCodeAttempts, cancellationToken).ConfigureAwait(false);
        var text = string.Create(CultureInfo.InvariantCulture, $"DeRisk code: {code}. It expires in {settings.CodeLifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this message.");
        var messageId = $"confirm-{subscriberId}-{address.Channel}-{now.ToUnixTimeSeconds()}";
        var result = address.Channel == Notification.SmsChannel
            ? await sms.SendAsync(new SmsMessage(address.Address, text, subscriberId, messageId), cancellationToken).ConfigureAwait(false)
            : await email.SendAsync(new EmailMessage(address.Address, "Your DeRisk confirmation code", text, subscriberId, messageId), cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case SendResult.Accepted:
                SignUpLog.CodeSent(logger, subscriberId, address.Channel, address.Masked);
                return null;
            case SendResult.Permanent permanent:
                SignUpLog.CodeRefused(logger, subscriberId, address.Channel, permanent.Error);
                return ApiOutcome.Error<T>(address.Field, $"This {address.Describe()} cannot receive messages: {permanent.Error}");
            case SendResult.Transient transient:
                return new ApiOutcome<T>.Unavailable("The confirmation code could not be sent just now; try again shortly.", transient.RetryAfter);
            default:
                return new ApiOutcome<T>.Unavailable("The confirmation code could not be sent just now; try again shortly.", null);
        }
    }

    /// <summary>The one address (phone or email) and the 6-digit code of a confirmation body.</summary>
    public (ContactAddress Address, string Code) ReadCodeAndAddress(string? phone, string? email, string? code, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var addresses = ReadAddresses(phone, email, errors);
        if (addresses.Count > 1)
        {
            errors.Add("email", "Confirm one address at a time: give phone or email, not both.");
        }

        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            errors.Add("code", "Required: the 6-digit code that was sent.");
        }

        return (addresses.FirstOrDefault(), code ?? "");
    }

    /// <summary>One answer for every failed code — wrong, expired, used, out of tries or never issued — so a guess tells nothing about the address.</summary>
    public static ApiOutcome<T>.Invalid NoValidCode<T>() =>
        ApiOutcome.Error<T>("code", "Wrong or expired code. A code is single-use, expires, and dies after a few wrong tries: ask for a new one if in doubt.");

    /// <summary>
    /// A confirmed code makes the address the subscriber's active channel: claimed for them, set on the profile, and
    /// the address it replaces forgotten (only what tied it to this subscriber).
    /// </summary>
    public async Task<ActivationResult> ActivateAsync(Subscriber profile, ContactAddress address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subscriberId = profile.Id;
        if (await contacts.ClaimAsync(address.Channel, address.Address, subscriberId, cancellationToken).ConfigureAwait(false) != subscriberId)
        {
            return ActivationResult.HeldByAnother;
        }

        var current = profile.ChannelFor(address.Channel).Address;
        var same = current is not null && ContactStore.Key(address.Channel, current) == ContactStore.Key(address.Channel, address.Address);
        var written = same
            ? await subscribers.SetChannelStateAsync(subscriberId, address.Channel, ChannelState.Active, "confirmed by code", now, cancellationToken).ConfigureAwait(false)
            : await subscribers.SetAddressAsync(subscriberId, address.Channel, address.Address, ChannelState.Active, now, cancellationToken).ConfigureAwait(false);
        if (!written)
        {
            // The subscriber went meanwhile: the claim must not outlive them.
            await contacts.ForgetAsync(address.Channel, address.Address, subscriberId, cancellationToken).ConfigureAwait(false);
            return ActivationResult.NoSubscriber;
        }

        if (same)
        {
            return ActivationResult.Activated;
        }

        if (current is not null)
        {
            await contacts.ForgetAsync(address.Channel, current, subscriberId, cancellationToken).ConfigureAwait(false);
        }

        return ActivationResult.Activated;
    }



}
