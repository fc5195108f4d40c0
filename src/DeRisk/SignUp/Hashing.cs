using System.Security.Cryptography;
using System.Text;

namespace DeRisk.SignUp;

/// <summary>SHA-256 helpers: secrets and addresses are stored and keyed only by their hashes.</summary>
public static class Hashing
{
    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>A salted hash of a short secret (a confirmation code); the salt is stored beside it.</summary>
    public static string Salted(string salt, string secret) => Sha256Hex(salt + ":" + secret);

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
