namespace DeRisk.SignUp;

/// <summary>
/// Where the codes went and until when they hold. <paramref name="SignUpId"/> (sign-up only) identifies this sign-up:
/// confirming a second address of it needs it, so a code for someone else's sign-up never joins yours.
/// </summary>
public sealed record SignUpView(
    IReadOnlyList<string> Channels,
    DateTimeOffset ExpiresAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? SignUpId);
