namespace DeRisk.SignUp;

public abstract record TokenCheck
{
    public sealed record Valid(string SubscriberId, string TokenId) : TokenCheck;

    public sealed record Invalid(string Reason) : TokenCheck;
}
