using System.Text.Json;

namespace AioHttp;

/// <summary>
/// A session's JSON: its <see cref="ClientSessionOptions.JsonSerializer"/> and
/// <see cref="ClientSessionOptions.JsonParser"/>, or System.Text.Json where it names none. Responses
/// and websocket messages both parse here, so a session's choice reaches both, and nothing outside the
/// session (a module being imported, another caller) can change what a session's Json() returns.
/// </summary>
public static class SessionJson
{
    /// <summary>The engine's own parse, for a session without a parser: a detached System.Text.Json JsonElement.</summary>
    public static object? DefaultParse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The text parsed by the session's parser, or by <see cref="DefaultParse"/> without one.</summary>
    internal static object? Parse(string text, Func<string, object?>? parser) =>
        parser is not null ? parser(text) : DefaultParse(text);

    /// <summary>The value serialised by the session's serializer; without one, by System.Text.Json.</summary>
    internal static string Serialize(object? value, Func<object?, string>? serializer) =>
        serializer is not null ? serializer(value) : JsonSerializer.Serialize(value);
}
