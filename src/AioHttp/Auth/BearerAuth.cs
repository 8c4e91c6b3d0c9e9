namespace AioHttp;

/// <summary>A bearer token (RFC 6750): Authorization: Bearer &lt;token&gt;, sent with every request.</summary>
public sealed class BearerAuth : Authenticator
{
    // Internal: the token must not show in Format-List * or anywhere else a user prints the object.
    private readonly string _token;

    public BearerAuth(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0)
            throw new ArgumentException("A bearer token cannot be empty. Give the token with -Token.", nameof(token));
        foreach (var c in token)
        {
            if (c < 0x20 || c == 0x7F || c > 0xFF)
                throw new ArgumentException("A bearer token cannot contain control characters or characters beyond Latin-1 (it goes into a header as it is). Check the -Token value.", nameof(token));
        }
        _token = token;
    }

    public override string Scheme => "Bearer";

    internal override string? Authorize(string method, Url url) => "Bearer " + _token;

    public override string ToString() => "BearerAuth(***)";
}
