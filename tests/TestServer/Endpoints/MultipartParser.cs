using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AioHttp.TestServer.Endpoints;

/// <summary>One multipart/form-data part, summarised (body hashed while streaming).</summary>
public sealed record PartInfo(string? Name, string? FileName, string? ContentType, long Size, string Sha256,
    JsonObject Headers, string? Value)
{
    public bool IsFile => FileName is not null;

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["filename"] = FileName,
        ["contentType"] = ContentType,
        ["size"] = Size,
        ["sha256"] = Sha256,
        ["headers"] = Headers.DeepClone(),
    };
}

/// <summary>Streams through a multipart body with MultipartReader; never buffers file parts.</summary>
public static class MultipartParser
{
    private const int MaxFieldValue = 4 * 1024 * 1024;

    public static bool TryGetBoundary(string? contentType, out string boundary)
    {
        boundary = "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mt)) return false;
        if (!mt.MediaType.Value?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ?? true) return false;
        var b = HeaderUtilities.RemoveQuotes(mt.Boundary).Value;
        if (string.IsNullOrEmpty(b)) return false;
        boundary = b;
        return true;
    }

    public static async Task<List<PartInfo>> ReadAsync(Stream body, string boundary, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, body)
        {
            HeadersCountLimit = 100,
            HeadersLengthLimit = 64 * 1024,
            BodyLengthLimit = null,
        };
        var parts = new List<PartInfo>();
        var buffer = new byte[64 * 1024];
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            string? name = null, fileName = null;
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd))
            {
                name = HeaderUtilities.UnescapeAsQuotedString(cd.Name).Value;
                if (cd.FileNameStar.HasValue) fileName = cd.FileNameStar.Value;
                else if (cd.FileName.HasValue) fileName = HeaderUtilities.UnescapeAsQuotedString(cd.FileName).Value;
            }

            var headers = new JsonObject();
            if (section.Headers is not null)
                foreach (var (k, v) in section.Headers)
                    headers[k] = string.Join(", ", v.ToArray());

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            MemoryStream? value = fileName is null ? new MemoryStream() : null;
            long size = 0;
            int n;
            while ((n = await section.Body.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                size += n;
                if (value is not null && value.Length + n <= MaxFieldValue) value.Write(buffer, 0, n);
            }
            parts.Add(new PartInfo(name, fileName, section.ContentType, size,
                Convert.ToHexStringLower(hash.GetHashAndReset()), headers,
                value is null ? null : Encoding.UTF8.GetString(value.GetBuffer(), 0, (int)value.Length)));
        }
        return parts;
    }
}
