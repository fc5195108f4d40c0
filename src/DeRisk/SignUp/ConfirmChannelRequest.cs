using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace DeRisk.SignUp;

/// <summary>POST /me/channels/confirm: the new address and its 6-digit code.</summary>
[Description("The new address (phone or email) and the code sent to it.")]
public sealed record ConfirmChannelRequest(
    string? Phone = null,
    string? Email = null,
    [property: RegularExpression(CodeRequests.CodePattern), Description("The 6-digit code that was sent.")] string? Code = null);
