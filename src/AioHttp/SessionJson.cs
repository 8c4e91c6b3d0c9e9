using System.Text.Json;

namespace AioHttp;

/// <summary>
/// A session's JSON: its <see cref="ClientSessionOptions.JsonSerializer"/> and
/// <see cref="ClientSessionOptions.JsonParser"/>, or System.Text.Json where it names none. Responses
/// and websocket messages both parse here, so a session's choice reaches both, and nothing outside the
/// session (a module being imported, another caller) can change what a session's Json() returns.
/// </summary>
internal static class SessionJson
{
    /// <summary>The text parsed by the session's parser; without one, a detached JsonElement.</summary>
    public static object? Parse(string text, Func<string, object?>? parser)
    {
        if (parser is not null) return parser(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The value serialised by the session's serializer; without one, by System.Text.Json.</summary>
    public static string Serialize(object? value, Func<object?, string>? serializer) =>
        serializer is not null ? serializer(value) : JsonSerializer.Serialize(value);
}
