using System.ComponentModel;

namespace DeRisk.SignUp;

/// <summary>POST /me/channels: a new address of the subscriber, phone or email.</summary>
[Description("One address: a phone (E.164, a mobile in one of the allowed SMS countries) or an email.")]
public sealed record AddChannelRequest(string? Phone = null, string? Email = null);
