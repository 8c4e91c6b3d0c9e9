using System.Text;

namespace AioHttp;

/// <summary>aiohttp's WSMsgType: what a receive can return.</summary>
public enum WebSocketMessageType
{
    Text,
    Binary,
    Ping,
    Pong,
    /// <summary>The peer's close frame: Data is the close code, Extra the reason.</summary>
    Close,
    /// <summary>The socket is closed; nothing more will arrive.</summary>
    Closed,
    /// <summary>The socket failed: Data is the exception (oversized message, heartbeat timeout, lost connection).</summary>
    Error,
}

/// <summary>
/// aiohttp's WSMessage: Type, Data (string for Text, byte[] for Binary, the close code for Close, the
/// exception for Error) and Extra (the close reason).
/// </summary>
public sealed class WebSocketMessage
{
    internal static readonly WebSocketMessage ClosedMessage = new(WebSocketMessageType.Closed, null, null);

    public WebSocketMessage(WebSocketMessageType type, object? data, string? extra = null)
    {
        Type = type;
        Data = data;
        Extra = extra;
    }

    public WebSocketMessageType Type { get; }
    public object? Data { get; }
    public string? Extra { get; }

    /// <summary>How <see cref="Json"/> shapes parsed JSON: the receiving session's <see cref="ClientSessionOptions.JsonParser"/>.</summary>
    internal Func<string, object?>? JsonParser { get; init; }

    /// <summary>
    /// The message parsed as JSON (aiohttp's msg.json()) by its session's parser: from a PowerShell-made
    /// session shaped as ConvertFrom-Json shapes it, else a System.Text.Json JsonElement.
    /// Only Text and Binary (UTF-8) messages carry JSON.
    /// </summary>
    public object? Json()
    {
        var text = Type switch
        {
            WebSocketMessageType.Text => (string)Data!,
            WebSocketMessageType.Binary => new UTF8Encoding(false, true).GetString((byte[])Data!),
            _ => throw new InvalidOperationException($"A {Type} message carries no JSON; only Text and Binary messages do. Check .Type before calling Json()."),
        };
        return SessionJson.Parse(text, JsonParser);
    }

    /// <summary>The text of a Text message (so PowerShell's string conversion and ConvertFrom-Json see it); a summary otherwise.</summary>
    public override string ToString() => Type switch
    {
        WebSocketMessageType.Text => (string)Data!,
        WebSocketMessageType.Binary => $"Binary({((byte[])Data!).Length} bytes)",
        WebSocketMessageType.Close => string.IsNullOrEmpty(Extra) ? $"Close({Data})" : $"Close({Data}, {Extra})",
        WebSocketMessageType.Error => $"Error({(Data as Exception)?.Message})",
        _ => Type.ToString(),
    };
}
