using System.Text;
using System.Text.Json;

namespace AioHttp;

/// <summary>
/// The asynchronous and C#-only members of <see cref="ClientResponse"/>. They are extension methods so
/// that C# code calls them as before (<c>await response.ReadAsync()</c>) while PowerShell, which does not
/// see extension methods, keeps them out of Get-Member and tab completion: a PowerShell user waits with
/// Read(), Text() and Json().
/// </summary>
public static class ClientResponseAsync
{
    /// <summary>The whole body as bytes (aiohttp's await resp.read()); reads the rest from the network when streamed.</summary>
    public static Task<byte[]> ReadAsync(this ClientResponse response, CancellationToken cancellationToken = default) =>
        Checked(response).ReadAsync(cancellationToken);

    /// <summary>The body decoded as text (aiohttp's await resp.text()); see <see cref="ClientResponse.Text"/>.</summary>
    public static Task<string> TextAsync(this ClientResponse response, string? encoding = null, CancellationToken cancellationToken = default) =>
        Checked(response).TextAsync(encoding, cancellationToken);

    /// <summary>The body parsed as JSON (System.Text.Json); see <see cref="ClientResponse.JsonText"/> for the checks.</summary>
    public static Task<JsonDocument?> JsonDocumentAsync(this ClientResponse response, bool checkContentType = true, CancellationToken cancellationToken = default) =>
        Checked(response).JsonDocumentAsync(checkContentType, cancellationToken);

    /// <summary>The encoding text is decoded with: explicit, else charset, else UTF-8 for JSON, else guessed from the bytes.</summary>
    public static Encoding ResolveEncoding(this ClientResponse response, string? encoding, ReadOnlySpan<byte> body) =>
        Checked(response).ResolveEncoding(encoding, body);

    /// <summary>The ClientResponseError for this response (whatever its status).</summary>
    public static ClientResponseException CreateStatusError(this ClientResponse response) =>
        Checked(response).CreateStatusError();

    private static ClientResponse Checked(ClientResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response;
    }
}
