using System.Text;

namespace AioHttp;

/// <summary>
/// Content-Disposition values for form-data parts (RFC 7578 §4.2). Names and file names go in
/// quoted strings with '"' and '\' escaped; line breaks are refused (they would end the header). A
/// non-ASCII file name is sent as UTF-8 in the quoted filename (what browsers send, RFC 7578 §5.1)
/// and also as filename*=utf-8''… (RFC 5987), which servers that expect the encoded form read.
/// </summary>
public static class ContentDisposition
{
    public static string FormData(string name, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder("form-data; name=").Append(Quote(name, "field name"));
        if (fileName is not null)
        {
            sb.Append("; filename=").Append(Quote(fileName, "file name"));
            if (fileName.Any(c => c > 127)) sb.Append("; filename*=utf-8''").Append(PercentEncode(fileName));
        }
        return sb.ToString();
    }

    /// <summary>A quoted-string (RFC 9110 §5.6.4): '"' and '\' escaped with '\'.</summary>
    public static string Quote(string value, string what = "value")
    {
        if (value.Any(c => c is '\r' or '\n' or '\0'))
            throw new ArgumentException($"The multipart {what} '{value.Replace("\r", "\\r").Replace("\n", "\\n")}' contains a line break or NUL, which cannot be sent in a part header.");
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    /// <summary>RFC 5987 attr-char kept, every other UTF-8 byte as %XX.</summary>
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b)) sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}
