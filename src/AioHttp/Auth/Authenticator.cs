namespace AioHttp;

/// <summary>
/// How a request proves who sends it: the Authorization header that <see cref="ClientRequest"/> adds
/// to HTTP requests and websocket handshakes alike (<see cref="BasicAuth"/>, <see cref="BearerAuth"/>,
/// <see cref="DigestAuth"/>). The caller's credentials, whatever their kind, follow the redirect rules
/// of <see cref="RedirectPolicy"/>. No kind shows its secret in ToString or a public property.
/// </summary>
public abstract class Authenticator
{
    /// <summary>The scheme name: Basic, Bearer or Digest.</summary>
    public abstract string Scheme { get; }

    /// <summary>
    /// The Authorization value for a request of <paramref name="method"/> to <paramref name="url"/>, or
    /// null when there is nothing to send yet (Digest before the server's first challenge).
    /// </summary>
    internal abstract string? Authorize(string method, Url url);
}
