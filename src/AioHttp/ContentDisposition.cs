using System.Text;

namespace AioHttp;

/// <summary>
/// Content-Disposition, both ways: writing it for form-data parts, and reading the file name a
/// server suggests for a download (RFC 6266), made safe to use.
///
/// Writing (RFC 7578 §4.2). Names and file names go in
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

    /// <summary>
    /// A quoted-string (RFC 9110 §5.6.4): '"' and '\' escaped with '\'. CR, LF and NUL cannot be
    /// escaped there (a line break would end the part header and start one of the caller's choosing):
    /// <see cref="InvalidHeaderException"/>, as for any header.
    /// </summary>
    public static string Quote(string value, string what = "value")
    {
        if (value.Any(c => c is '\r' or '\n' or '\0'))
            throw new InvalidHeaderException("Content-Disposition",
                $"The multipart {what} '{value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0")}' contains a line break or NUL, which cannot be sent in a part header. Remove it.");
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    /// <summary>RFC 5987 attr-char kept, every other UTF-8 byte as %XX.</summary>
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b)) sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    // Reading: the suggested download name.

    /// <summary>
    /// The suggested file name: filename*= (RFC 8187: charset'language'percent-encoded) wins over
    /// filename= (RFC 6266 4.3). Null when the header names none. The name is not yet sanitised.
    /// </summary>
    public static string? FileName(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        string? plain = null, extended = null;
        foreach (var (name, value) in Parameters(header))
        {
            if (name.Equals("filename*", StringComparison.OrdinalIgnoreCase)) extended ??= DecodeExtended(value);
            else if (name.Equals("filename", StringComparison.OrdinalIgnoreCase)) plain ??= value;
        }
        return extended ?? plain;
    }

    /// <summary>
    /// A name that stays inside the folder it is joined to: only its last path segment (either
    /// slash), no control or reserved characters (replaced by '_'), no leading dots (so never "."
    /// or ".." nor a hidden file), no trailing dots or spaces. Null when nothing usable is left.
    /// </summary>
    public static string? SanitizeFileName(string? name)
    {
        if (name is null) return null;
        name = name.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            // The Windows-reserved characters are replaced everywhere, so a name is portable.
            builder.Append(char.IsControl(c) || c is '<' or '>' or ':' or '"' or '|' or '?' or '*' || Array.IndexOf(invalid, c) >= 0 ? '_' : c);
        }
        var safe = builder.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (safe.Length > 200) safe = safe[..200];
        return safe.Length == 0 ? null : safe;
    }

    private static IEnumerable<(string Name, string Value)> Parameters(string header)
    {
        var i = header.IndexOf(';');
        if (i < 0) yield break;
        i++;
        while (i < header.Length)
        {
            while (i < header.Length && header[i] is ' ' or '\t' or ';') i++;
            var nameStart = i;
            while (i < header.Length && header[i] is not ('=' or ';')) i++;
            var name = header[nameStart..i].Trim();
            if (i >= header.Length || header[i] == ';') continue;
            i++; // '='
            while (i < header.Length && header[i] is ' ' or '\t') i++;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                // quoted-string: backslash escapes the next character (RFC 9110 5.6.4).
                var quoted = new StringBuilder();
                i++;
                while (i < header.Length && header[i] != '"')
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    quoted.Append(header[i]);
                    i++;
                }
                i++;
                value = quoted.ToString();
                while (i < header.Length && header[i] != ';') i++;
            }
            else
            {
                var valueStart = i;
                while (i < header.Length && header[i] != ';') i++;
                value = header[valueStart..i].Trim();
            }
            if (name.Length > 0) yield return (name, value);
        }
    }

    // RFC 8187: charset "'" [ language ] "'" value-chars (percent-encoded octets).
    private static string? DecodeExtended(string value)
    {
        var first = value.IndexOf('\'');
        var second = first < 0 ? -1 : value.IndexOf('\'', first + 1);
        if (second < 0) return null;
        var encoding = Charsets.GetEncoding(value[..first]) ?? (value[..first].Length == 0 ? new UTF8Encoding(false) : null);
        if (encoding is null) return null;
        var bytes = new List<byte>(value.Length);
        for (var i = second + 1; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return encoding.GetString(bytes.ToArray());
    }
}
