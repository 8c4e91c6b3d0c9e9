using System.Security.Cryptography;
using System.Text;

namespace AioHttp;

/// <summary>
/// A multipart body (aiohttp's MultipartWriter), written part by part straight from each part's
/// payload. The length is known (Content-Length) when every part's is; it can be sent again when
/// every part can.
/// </summary>
public sealed class MultipartWriter : Payload
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private readonly List<MultipartPart> _parts = new();

    /// <param name="subtype">The multipart subtype: form-data for forms (RFC 7578), mixed, related...</param>
    /// <param name="boundary">Chosen at random when not given (RFC 2046 §5.1.1: at most 70 characters).</param>
    public MultipartWriter(string subtype = "mixed", string? boundary = null)
    {
        boundary ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (boundary.Length is 0 or > 70 || boundary.Any(c => c > 126 || c < 32) || boundary.EndsWith(' '))
            throw new ArgumentException("A multipart boundary is 1-70 printable ASCII characters, not ending in a space (RFC 2046 §5.1.1).", nameof(boundary));
        Subtype = subtype;
        Boundary = boundary;
        // RFC 2046 allows characters in a boundary that a header parameter must quote.
        var needsQuotes = boundary.Any(c => !HttpToken.IsTokenChar(c));
        ContentType = $"multipart/{subtype}; boundary={(needsQuotes ? "\"" + boundary + "\"" : boundary)}";
    }

    public string Subtype { get; }
    public string Boundary { get; }
    public IReadOnlyList<MultipartPart> Parts => _parts;

    /// <summary>Adds a part with these headers (Content-Type is taken from the payload when not given).</summary>
    public MultipartPart Append(Payload payload, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var part = new MultipartPart(payload, headers);
        _parts.Add(part);
        return part;
    }

    /// <summary>Adds a form-data part (RFC 7578 §4.2): Content-Disposition with the name and, for files, the file name.</summary>
    public MultipartPart AppendFormField(string name, Payload payload, string? fileName = null)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Content-Disposition", ContentDisposition.FormData(name, fileName)) };
        return Append(payload, headers);
    }

    public override long? Length
    {
        get
        {
            long total = 0;
            foreach (var part in _parts)
            {
                if (part.Payload.Length is not { } length) return null;
                total += DelimiterLength + part.HeaderBytes.Length + length + CrLf.Length;
            }
            return total + CloseDelimiterLength;
        }
    }

    public override bool IsReplayable => _parts.All(p => p.Payload.IsReplayable);

    public override bool IsStreamed => _parts.Any(p => p.Payload.IsStreamed);

    public override string Description => $"a multipart/{Subtype} body of {_parts.Count} part(s)";

    private int DelimiterLength => 2 + Boundary.Length + 2;          // --boundary CRLF
    private int CloseDelimiterLength => 2 + Boundary.Length + 2 + 2;  // --boundary-- CRLF

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        var delimiter = Encoding.ASCII.GetBytes($"--{Boundary}\r\n");
        foreach (var part in _parts)
        {
            await destination.WriteAsync(delimiter, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(part.HeaderBytes, cancellationToken).ConfigureAwait(false);
            await part.Payload.WriteToAsync(destination, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(CrLf, cancellationToken).ConfigureAwait(false);
        }
        await destination.WriteAsync(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One part of a multipart body: its headers, then its payload.</summary>
public sealed class MultipartPart
{
    internal MultipartPart(Payload payload, IEnumerable<KeyValuePair<string, string>>? headers)
    {
        Payload = payload ?? throw new ArgumentNullException(nameof(payload));
        var list = headers?.ToList() ?? new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in list) InvalidHeaderException.ThrowIfInvalid(name, value);
        if (payload.ContentType is { } type && !list.Any(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)))
            list.Add(new("Content-Type", type));
        Headers = list;
        var sb = new StringBuilder();
        foreach (var (name, value) in list) sb.Append(name).Append(": ").Append(value).Append("\r\n");
        sb.Append("\r\n");
        // Part headers are UTF-8 (RFC 7578 §5.1: non-ASCII names and file names are sent as UTF-8).
        HeaderBytes = Encoding.UTF8.GetBytes(sb.ToString());
    }

    public Payload Payload { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
    internal byte[] HeaderBytes { get; }
}
