using System.Text;

namespace AioHttp;

/// <summary>HTTP Basic credentials: aiohttp's BasicAuth (login, password, encoding latin-1 by default).</summary>
public sealed class BasicAuth : Authenticator
{
    public BasicAuth(string login, string password = "", Encoding? encoding = null)
    {
        if (login.Contains(':'))
            throw new ArgumentException("A Basic auth user name cannot contain ':' (RFC 7617). Remove it from the user name.", nameof(login));
        Login = login;
        Password = password;
        Encoding = encoding ?? Encoding.Latin1;
    }

    public string Login { get; }
    public string Password { get; }
    public Encoding Encoding { get; }

    /// <summary>
    /// The credentials written into a URL's user info (http://user:password@host, percent-decoded), or
    /// null when it has none: proxies given that way are used, and shown, without them.
    /// </summary>
    public static BasicAuth? FromUserInfo(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || uri.UserInfo.Length == 0) return null;
        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
        var password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        return new BasicAuth(user, password);
    }

    /// <summary>The Authorization header value.</summary>
    public string Encode() => "Basic " + Convert.ToBase64String(Encoding.GetBytes(Login + ":" + Password));

    public override string Scheme => "Basic";

    internal override string? Authorize(string method, Url url) => Encode();

    public override string ToString() => $"BasicAuth({Login})";
}
