namespace DeRisk.SignUp;

public abstract record CodeCheck
{
    /// <param name="SignUpHash">The SHA-256 of the sign-up id the code was issued with (sign-up codes), else null.</param>
    public sealed record Confirmed(string SubscriberId, CodePurpose Purpose, string? SignUpHash) : CodeCheck;

    public sealed record Wrong(int TriesLeft) : CodeCheck;

    /// <summary>No live code: never issued, already used, expired or out of tries.</summary>
    public sealed record NoLiveCode : CodeCheck;
}
