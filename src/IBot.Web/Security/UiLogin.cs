using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace IBot.Web.Security;

/// <summary>
/// The token a UI was started with, and the login cookie that stands for it. The cookie never holds the token: it
/// holds HMAC-SHA256 of the token under a random key made when the UI starts and kept only in its memory, so a cookie
/// read from a browser's storage or a proxy log cannot be turned back into the token (which scripts, other UIs and
/// services may share), and every cookie is void once the UI restarts. Both the token and the cookie are compared in
/// constant time.
/// </summary>
public sealed class UiLogin
{
    private readonly string token;
    private readonly byte[] cookie;

    public UiLogin(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        this.token = token;
        cookie = HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.UTF8.GetBytes(token));
    }

    /// <summary>What the login form's cookie holds: the MAC, base64url.</summary>
    public string CookieValue => Base64Url.EncodeToString(cookie);

    /// <summary>Whether <paramref name="given"/> is the token itself (the login form, a bearer header).</summary>
    public bool IsToken(string given) => UiSecurity.Same(given, token);

    /// <summary>Whether <paramref name="value"/> is this UI's login cookie; the token itself is not.</summary>
    public bool IsCookie(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64) return false;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        return Base64Url.TryDecodeFromChars(value, bytes, out var written)
            && CryptographicOperations.FixedTimeEquals(bytes.AsSpan(0, written), cookie);
    }
}
