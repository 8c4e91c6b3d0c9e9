namespace AioHttp;

/// <summary>What was sent: aiohttp's RequestInfo (url, method, headers, real_url).</summary>
public sealed class RequestInfo
{
    public RequestInfo(Url url, string method, HeaderCollection headers)
    {
        Url = url;
        Method = method;
        Headers = headers;
    }

    /// <summary>The URL as sent, in its normalised escaped form (no fragment).</summary>
    public Url Url { get; }
    public string Method { get; }
    /// <summary>The headers as sent, including defaults, cookies and Content-Type/Length.</summary>
    public HeaderCollection Headers { get; }

    /// <summary>"METHOD URL", the URL without user info: this is what views and Get-Error show.</summary>
    public override string ToString() => $"{Method} {Url.WithoutUserInfo()}";
}
