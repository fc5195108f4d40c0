namespace DeRisk.SignUp;

/// <summary>What a code proves when it comes back.</summary>
public enum CodePurpose
{
    /// <summary>Asked anonymously (sign-up or sign-in): confirmed through POST /api/subscribers/confirm.</summary>
    SignUp,

    /// <summary>Asked by a subscriber with their token for an address of their own: confirmed only with that token.</summary>
    AddChannel,
}
