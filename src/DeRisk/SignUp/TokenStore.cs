using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;

namespace DeRisk.SignUp;

/// <summary>
/// Bearer tokens "drk_{subscriberId}_{secret}": 256 random bits of secret, stored only as a SHA-256 hash in the
/// subscriber's partition (row = hash), so a token is checked with one point read and all of a subscriber's tokens
/// are listed, revoked or deleted together. A revoked token's row stays, marked, so it answers "revoked".
/// </summary>
public sealed class TokenStore(DeRiskTables tables)
{
    private const string Prefix = "drk_";

    public async Task<string> IssueAsync(string subscriberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await tables.Tokens.AddEntityAsync(new TableEntity(subscriberId, Hashing.Sha256Hex(secret)) { ["CreatedAt"] = now }, cancellationToken).ConfigureAwait(false);
        return Prefix + subscriberId + "_" + secret;
    }

    public async Task<TokenCheck> CheckAsync(string? token, CancellationToken cancellationToken)
    {
        if (!TryParse(token, out var subscriberId, out var secret))
        {
            return new TokenCheck.Invalid("The token is malformed.");
        }

        var hash = Hashing.Sha256Hex(secret);
        var row = await tables.Tokens.GetEntityIfExistsAsync<TableEntity>(subscriberId, hash, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return new TokenCheck.Invalid("The token is not known.");
        }

        return row.Value!.GetDateTimeOffset("RevokedAt") is null
            ? new TokenCheck.Valid(subscriberId, hash)
            : new TokenCheck.Invalid("The token has been revoked.");
    }

    public async Task RevokeAsync(string subscriberId, string tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Tokens.UpdateEntityAsync(new TableEntity(subscriberId, tokenId) { ["RevokedAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.NotFound)
        {
            // Already gone with its subscriber.
        }
    }

    /// <summary>Revokes every live token of the subscriber; returns how many.</summary>
    public async Task<int> RevokeAllAsync(string subscriberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revoked = 0;
        await foreach (var row in tables.Tokens.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("RevokedAt") is null)
            {
                await RevokeAsync(subscriberId, row.RowKey, now, cancellationToken).ConfigureAwait(false);
                revoked++;
            }
        }

        return revoked;
    }

    public Task<int> DeleteAllAsync(string subscriberId, CancellationToken cancellationToken) =>
        tables.Tokens.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"), cancellationToken);

    private static bool TryParse(string? token, out string subscriberId, out string secret)
    {
        subscriberId = "";
        secret = "";
        if (token is not { Length: 4 + 32 + 1 + 43 } || !token.StartsWith(Prefix, StringComparison.Ordinal) || token[36] != '_')
        {
            return false;
        }

        subscriberId = token.Substring(4, 32);
        secret = token[37..];
        return RowKeys.IsId(subscriberId) && secret.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
