namespace AioHttp;

/// <summary>
/// The Content-Type of a file part or file body, guessed from its extension (aiohttp asks Python's
/// mimetypes.guess_type); anything not listed is application/octet-stream.
/// </summary>
public static class ContentTypes
{
    public const string OctetStream = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".text"] = "text/plain", [".log"] = "text/plain",
        [".csv"] = "text/csv", [".tsv"] = "text/tab-separated-values",
        [".htm"] = "text/html", [".html"] = "text/html", [".css"] = "text/css", [".md"] = "text/markdown",
        [".xml"] = "application/xml", [".js"] = "text/javascript", [".mjs"] = "text/javascript",
        [".json"] = "application/json", [".yaml"] = "application/yaml", [".yml"] = "application/yaml",
        [".pdf"] = "application/pdf", [".zip"] = "application/zip", [".gz"] = "application/gzip",
        [".tgz"] = "application/gzip", [".tar"] = "application/x-tar", [".7z"] = "application/x-7z-compressed",
        [".bz2"] = "application/x-bzip2", [".xz"] = "application/x-xz", [".wasm"] = "application/wasm",
        [".doc"] = "application/msword", [".xls"] = "application/vnd.ms-excel", [".ppt"] = "application/vnd.ms-powerpoint",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif",
        [".bmp"] = "image/bmp", [".webp"] = "image/webp", [".svg"] = "image/svg+xml", [".ico"] = "image/vnd.microsoft.icon",
        [".tif"] = "image/tiff", [".tiff"] = "image/tiff",
        [".mp3"] = "audio/mpeg", [".wav"] = "audio/wav", [".ogg"] = "audio/ogg", [".flac"] = "audio/flac",
        [".mp4"] = "video/mp4", [".webm"] = "video/webm", [".avi"] = "video/x-msvideo", [".mov"] = "video/quicktime",
    };

    /// <summary>Whether a Content-Type names text worth showing as text: text/*, JSON, XML, form fields, JavaScript.</summary>
    public static bool IsText(string? contentType)
    {
        if (contentType is null) return false;
        var type = contentType.Split(';', 2)[0].Trim();
        return type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) ||
               type.EndsWith("json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("xml", StringComparison.OrdinalIgnoreCase) ||
               type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ||
               type.Equals("application/javascript", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The type for <paramref name="fileName"/>'s extension, or application/octet-stream.</summary>
    public static string Guess(string? fileName)
    {
        var extension = Path.GetExtension(fileName ?? "");
        return extension.Length > 0 && ByExtension.TryGetValue(extension, out var type) ? type : OctetStream;
    }
}
