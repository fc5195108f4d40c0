using System.Text.Json;
using DeRisk.Contracts;
using DeRisk.Delivery;
using DeRisk.Hosting;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.SignUp;

/// <summary>
/// A subscriber's own addresses, with their bearer token: add or replace a phone or email (a code goes to the new
/// address, and only the same subscriber's token with that code makes it theirs; the address it replaces is then
/// forgotten), or remove one (never the last confirmed one: that is DELETE /api/me). The only way an address joins an
/// existing subscriber.
/// </summary>
public sealed class ChannelService(
    SubscriberStore subscribers,
    ContactStore contacts,
    ConfirmationCodes codes,
    IOptions<AccessOptions> options,
    [FromKeyedServices(Clocks.Wall)] TimeProvider time,
    ILogger<ChannelService> logger)
{
    public const string SubscriberLimit = "channel-subscriber";

    /// <summary>Sends a code to a new address of the subscriber; nothing changes until it is confirmed.</summary>
    public async Task<ApiOutcome<SignUpView>> RequestAsync(string subscriberId, JsonElement body, CancellationToken cancellationToken)
    {
        var read = ContractReader.Read<AddChannelRequest>(body);
        if (!read.IsValid)
        {
            return new ApiOutcome<SignUpView>.Invalid(read.Errors);
        }

        var errors = new FieldErrors();
        var addresses = codes.ReadAddresses(read.Value!.Phone, read.Value.Email, errors);
        if (addresses.Count > 1)
        {
            errors.Add("email", "Add one address at a time: give phone or email, not both.");
        }

        if (errors.Count > 0)
        {
            return new ApiOutcome<SignUpView>.Invalid(errors.ToDictionary());
        }

        var address = addresses[0];
        var profile = await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return Gone<SignUpView>();
        }

        if (string.Equals(profile.ChannelFor(address.Channel).Address, address.Address, StringComparison.OrdinalIgnoreCase)
            && profile.ChannelFor(address.Channel).Enabled)
        {
            return new ApiOutcome<SignUpView>.Conflict($"This {address.Describe()} is already your active {address.Channel} channel.");
        }

        var perSubscriber = new LimitRequest(SubscriberLimit, subscriberId, options.Value.SignUpsPerClientPerHour, TimeSpan.FromHours(1));
        if (await codes.TryTakeLimitsAsync<SignUpView>(addresses, [perSubscriber], cancellationToken).ConfigureAwait(false) is { } limited)
        {
            return limited;
        }

        var now = time.GetUtcNow();
        if (await codes.SendAsync<SignUpView>(address, subscriberId, CodePurpose.AddChannel, null, now, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        return new ApiOutcome<SignUpView>.Accepted(new SignUpView([address.Channel], now + options.Value.CodeLifetime, null));
    }

    /// <summary>Confirms a code sent by <see cref="RequestAsync"/> to this subscriber: the address becomes their active channel.</summary>
    public async Task<ApiOutcome<MeView>> ConfirmAsync(string subscriberId, JsonElement body, CancellationToken cancellationToken)
    {
        var read = ContractReader.Read<ConfirmChannelRequest>(body);
        if (!read.IsValid)
        {
            return new ApiOutcome<MeView>.Invalid(read.Errors);
        }

        var errors = new FieldErrors();
        var (address, code) = codes.ReadCodeAndAddress(read.Value!.Phone, read.Value.Email, read.Value.Code, errors);
        if (errors.Count > 0)
        {
            return new ApiOutcome<MeView>.Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        switch (await contacts.CheckCodeAsync(address.Channel, address.Address, code, CodePurpose.AddChannel, subscriberId, now, cancellationToken).ConfigureAwait(false))
        {
            case CodeCheck.Confirmed:
                var profile = await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
                switch (profile is null ? ActivationResult.NoSubscriber : await codes.ActivateAsync(profile, address, now, cancellationToken).ConfigureAwait(false))
                {
                    case ActivationResult.HeldByAnother:
                        return new ApiOutcome<MeView>.Conflict($"This {address.Describe()} belongs to another DeRisk account: sign in with it and delete that account first, or use another address.");
                    case ActivationResult.NoSubscriber:
                        return Gone<MeView>();
                }

                SignUpLog.Added(logger, subscriberId, address.Channel);
                return await ViewAsync(subscriberId, cancellationToken).ConfigureAwait(false);
            default:
                return ConfirmationCodes.NoValidCode<MeView>();
        }
    }

    /// <summary>Removes the subscriber's address on one channel ("sms" or "email"), unless it is their only confirmed one.</summary>
    public async Task<ApiOutcome<MeView>> RemoveAsync(string subscriberId, string channel, CancellationToken cancellationToken)
    {
        if (channel is not (Notification.SmsChannel or Notification.EmailChannel))
        {
            return new ApiOutcome<MeView>.NotFound("Channel not found: use sms or email.");
        }

        var missing = false;
        var (profile, address, refused) = await subscribers.RemoveAddressAsync(subscriberId, channel, time.GetUtcNow(), current =>
        {
            missing = current.ChannelFor(channel).Address is null;
            if (missing)
            {
                return $"You have no {channel} address.";
            }

            var other = channel == Notification.SmsChannel ? (current.Email, current.EmailState) : (current.Phone, current.SmsState);
            return other.Item1 is null || !ChannelState.IsConfirmed(other.Item2)
                ? "This is your only confirmed address: add and confirm another first, or delete the account (DELETE /api/me)."
                : null;
        }, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return Gone<MeView>();
        }

        if (refused is not null || address is null)
        {
            return missing ? new ApiOutcome<MeView>.NotFound(refused!) : new ApiOutcome<MeView>.Conflict(refused ?? "Nothing to remove.");
        }

        await contacts.ForgetAsync(channel, address, subscriberId, cancellationToken).ConfigureAwait(false);
        SignUpLog.Removed(logger, subscriberId, channel);
        return await ViewAsync(subscriberId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApiOutcome<MeView>> ViewAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var found = await subscribers.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        return found is null ? Gone<MeView>() : new ApiOutcome<MeView>.Ok(MeService.ToView(found.Subscriber, found.Rules.Count));
    }

    private static ApiOutcome<T>.NotFound Gone<T>() => new("Subscriber not found");


}
