namespace DeRisk.SignUp;

/// <summary>What confirming an address did.</summary>
public enum ActivationResult
{
    Activated,

    /// <summary>Another subscriber confirmed the address first.</summary>
    HeldByAnother,

    /// <summary>The subscriber is gone.</summary>
    NoSubscriber,
}
