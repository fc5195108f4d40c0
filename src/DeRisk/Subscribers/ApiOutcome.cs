namespace DeRisk.Subscribers;

/// <summary>What an API operation did; the HTTP layer maps each case to one status code.</summary>
public abstract record ApiOutcome<T>
{
    public sealed record Ok(T Value) : ApiOutcome<T>;

    public sealed record Created(T Value, string Location) : ApiOutcome<T>;

    /// <summary>Taken, with more to come (a confirmation code is on its way).</summary>
    public sealed record Accepted(T Value) : ApiOutcome<T>;

    public sealed record Deleted : ApiOutcome<T>;

    public sealed record NotFound(string What) : ApiOutcome<T>;

    /// <summary>Invalid input, field by field; nothing was written.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ApiOutcome<T>;

    /// <summary>The request is understood but conflicts with what is stored (e.g. removing the last address).</summary>
    public sealed record Conflict(string Detail) : ApiOutcome<T>;

    /// <summary>An anti-abuse limit was reached; try again after <paramref name="RetryAfter"/>.</summary>
    public sealed record Limited(TimeSpan RetryAfter, string Detail) : ApiOutcome<T>;

    /// <summary>A provider could not be reached; nothing the caller did wrong.</summary>
    public sealed record Unavailable(string Detail, TimeSpan? RetryAfter) : ApiOutcome<T>;
}

public static class ApiOutcome
{
    /// <summary>One field's error as an <see cref="ApiOutcome{T}.Invalid"/>.</summary>
    public static ApiOutcome<T>.Invalid Error<T>(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}
