using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace DeRisk.SignUp;

/// <summary>POST /subscribers/confirm: one address, its 6-digit code, and the sign-up's id to join a second address.</summary>
[Description("One address (phone or email) and the code sent to it.")]
public sealed record ConfirmRequest(
    string? Phone = null,
    string? Email = null,
    [property: RegularExpression(CodeRequests.CodePattern), Description("The 6-digit code that was sent.")] string? Code = null,
    [property: StringLength(64), Description("The signUpId of the sign-up that sent the code; needed to confirm a second address of one sign-up.")] string? SignUpId = null);
