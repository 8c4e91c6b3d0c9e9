namespace AioHttp;

/// <summary>aiohttp's ws_connect(...) arguments.</summary>
public sealed class WebSocketConnectOptions
{
    /// <summary>aiohttp's max_msg_size default: 4 MiB.</summary>
    public const long DefaultMaxMessageSize = 4 * 1024 * 1024;

    public WebSocketConnectOptions(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        Url = url;
    }

    /// <summary>ws://, wss://, or http(s):// (as aiohttp accepts); relative URLs join the session's base URL.</summary>
    public string Url { get; }

    /// <summary>Subprotocols offered, in order of preference (Sec-WebSocket-Protocol).</summary>
    public IList<string> Protocols { get; } = new List<string>();

    /// <summary>Handshake headers; a name given here replaces the session's header of the same name.</summary>
    public IList<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

    public string? Origin { get; set; }

    /// <summary>Ping every this often; no pong within half of it closes the socket with 1006 and an error.</summary>
    public TimeSpan? Heartbeat { get; set; }

    /// <summary>The longest wait for one message in a receive; null = none.</summary>
    public TimeSpan? ReceiveTimeout { get; set; }

    /// <summary>Offer permessage-deflate (RFC 7692).</summary>
    public bool Compress { get; set; }

    /// <summary>A larger incoming message closes the socket with 1009 and an error; 0 = no limit.</summary>
    public long MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Credentials for the handshake (Basic, Bearer or Digest); null = the session's (or the URL's user info).</summary>
    public Authenticator? Auth { get; set; }

    /// <summary>Connect direct, past the session's proxy (given or from the environment).</summary>
    public bool NoProxy { get; set; }

    /// <summary>The TLS versions allowed for the handshake's connection (Tls12, Tls13 or both); null = the session's.</summary>
    public System.Security.Authentication.SslProtocols? SslProtocols { get; set; }

    /// <summary>The name sent in SNI and checked in the certificate; null = the session's.</summary>
    public string? ServerName { get; set; }

    /// <summary>How long a close waits for the peer's close frame (aiohttp's ws_close timeout, 10 s).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
