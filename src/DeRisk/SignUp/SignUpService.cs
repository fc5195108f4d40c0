using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using DeRisk.Contracts;
using DeRisk.Delivery;
using DeRisk.Hosting;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.SignUp;

/// <summary>
/// Double opt-in, anonymous. A sign-up names a phone (mobile, in an allowed country) and/or an email; each address
/// gets a 6-digit code. Whose code it is follows one rule: an address somebody has confirmed is theirs, so its code
/// signs that subscriber in and proves that address only; an address nobody holds gets a code for a new subscriber
/// created by this sign-up (with every address the request named, pending). So a sign-up never attaches an address to
/// an existing subscriber — adding one takes the subscriber's token (<see cref="ChannelService"/>) — and it answers
/// every well-formed request the same way, 202 with the channels the codes went to, whoever holds the addresses.
/// A new subscriber's first confirmed address makes it theirs; a further address of the same sign-up joins only with
/// the sign-up id the 202 returned (whoever confirms without it voids the sign-up's other codes), so a code that reached
/// someone through a sign-up they did not make — an attacker naming their number beside his own email — can never put
/// them in an account another person holds. Codes are stored hashed, expire, are single-use and allow a few tries;
/// every failure reads the same. Sign-ups and confirmations are limited per client, codes per address per day and
/// confirmation SMS per hour app-wide, and a refused request counts against none.
/// </summary>
public sealed class SignUpService(
    SubscriberStore subscribers,
    ContactStore contacts,
    TokenStore tokens,
    RateLimiter limiter,
    ConfirmationCodes codes,
    IOptions<AccessOptions> options,
    [FromKeyedServices(Clocks.Wall)] TimeProvider time,
    ILogger<SignUpService> logger)
{
    public async Task<ApiOutcome<SignUpView>> SignUpAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        var read = ContractReader.Read<SignUpRequest>(body);
        if (!read.IsValid)
        {
            return new ApiOutcome<SignUpView>.Invalid(read.Errors);
        }

        var request = read.Value!;
        var errors = new FieldErrors();
        var preferences = request.Preferences.Validate(errors);
        var addresses = codes.ReadAddresses(request.Phone, request.Email, errors);
        if (errors.Count > 0)
        {
            return new ApiOutcome<SignUpView>.Invalid(errors.ToDictionary());
        }

        var settings = options.Value;
        var client = new LimitRequest(ConfirmationCodes.ClientSignUpLimit, clientAddress, settings.SignUpsPerClientPerHour, TimeSpan.FromHours(1));
        if (await codes.TryTakeLimitsAsync<SignUpView>(addresses, [client], cancellationToken).ConfigureAwait(false) is { } limited)
        {
            return limited;
        }

        // Who holds each address: a subscriber who confirmed it (and still has it). Their sign-in code goes to the
        // address as they confirmed it, never to a variant typed here.
        var owners = new List<string?>();
        var destinations = new List<ContactAddress>();
        foreach (var address in addresses)
        {
            var owner = await contacts.OwnerAsync(address.Channel, address.Address, cancellationToken).ConfigureAwait(false);
            var held = owner is null ? null : (await subscribers.GetProfileAsync(owner, cancellationToken).ConfigureAwait(false))?.ChannelFor(address.Channel).Address;
            var holds = held is not null && ContactStore.Key(address.Channel, held) == ContactStore.Key(address.Channel, address.Address);
            owners.Add(holds ? owner : null);
            destinations.Add(holds ? address with { Address = held! } : address);
        }

        var now = time.GetUtcNow();
        var signUpId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var signUpHash = Hashing.Sha256Hex(signUpId);
        var newSubscriber = owners.Any(o => o is null) ? await CreatePendingAsync(addresses, preferences, now, cancellationToken).ConfigureAwait(false) : null;
        for (var i = 0; i < addresses.Count; i++)
        {
            var failed = await codes.SendAsync<SignUpView>(destinations[i], owners[i] ?? newSubscriber!, CodePurpose.SignUp, signUpHash, now, cancellationToken).ConfigureAwait(false);
            if (failed is not null)
            {
                return failed;
            }
        }

        return new ApiOutcome<SignUpView>.Accepted(new SignUpView(addresses.Select(a => a.Channel).ToList(), now + settings.CodeLifetime, signUpId));
    }

    public async Task<ApiOutcome<TokenView>> ConfirmAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        var read = ContractReader.Read<ConfirmRequest>(body);
        if (!read.IsValid)
        {
            return new ApiOutcome<TokenView>.Invalid(read.Errors);
        }

        var request = read.Value!;
        var errors = new FieldErrors();
        var (address, code) = codes.ReadCodeAndAddress(request.Phone, request.Email, request.Code, errors);
        var signUpId = request.SignUpId;
        if (signUpId is { Length: 0 or > 64 })
        {
            errors.Add("signUpId", "The signUpId the sign-up answered with, when given.");
        }

        if (errors.Count > 0)
        {
            return new ApiOutcome<TokenView>.Invalid(errors.ToDictionary());
        }

        var client = await limiter.TryAcquireAsync("confirm-client", clientAddress, options.Value.ConfirmsPerClientPerHour, TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        if (!client.Allowed)
        {
            return new ApiOutcome<TokenView>.Limited(client.RetryAfter, "Too many confirmation attempts from this client; try again later.");
        }

        var now = time.GetUtcNow();
        if (await contacts.CheckCodeAsync(address.Channel, address.Address, code, CodePurpose.SignUp, null, now, cancellationToken).ConfigureAwait(false) is not CodeCheck.Confirmed confirmed
            || await subscribers.GetProfileAsync(confirmed.SubscriberId, cancellationToken).ConfigureAwait(false) is not { } profile)
        {
            return ConfirmationCodes.NoValidCode<TokenView>();
        }

        // Signing in proves an address the subscriber holds. Joining a subscriber who already has a confirmed address
        // takes the id of the sign-up that issued the code; without it, a first confirmation voids the rest of that sign-up.
        var signedUpHere = signUpId is not null && Hashing.Sha256Hex(signUpId) == confirmed.SignUpHash;
        var signIn = await contacts.OwnerAsync(address.Channel, address.Address, cancellationToken).ConfigureAwait(false) == confirmed.SubscriberId;
        var hasConfirmed = ChannelState.IsConfirmed(profile.SmsState) || ChannelState.IsConfirmed(profile.EmailState);
        if (!signIn && hasConfirmed && !signedUpHere)
        {
            SignUpLog.ForeignCode(logger, confirmed.SubscriberId, address.Channel);
            return ApiOutcome.Error<TokenView>("code", "This code belongs to a sign-up made elsewhere and cannot join it. Sign up again here, or add the address from your account (POST /api/me/channels).");
        }

        if (await codes.ActivateAsync(profile, address, now, cancellationToken).ConfigureAwait(false) is not ActivationResult.Activated)
        {
            return ConfirmationCodes.NoValidCode<TokenView>();
        }

        if (!signIn && !hasConfirmed && !signedUpHere)
        {
            foreach (var (channel, other) in new[] { (Notification.SmsChannel, profile.Phone), (Notification.EmailChannel, profile.Email) })
            {
                if (channel != address.Channel && other is not null)
                {
                    await contacts.VoidCodeAsync(channel, other, confirmed.SubscriberId, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var token = await tokens.IssueAsync(confirmed.SubscriberId, now, cancellationToken).ConfigureAwait(false);
        SignUpLog.Confirmed(logger, confirmed.SubscriberId, address.Channel);
        return new ApiOutcome<TokenView>.Ok(new TokenView(confirmed.SubscriberId, token));
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

        SignUpLog.Created(logger, subscriber.Id);
        return subscriber.Id;
    }



}
