using System.Text;

namespace AioHttp;

/// <summary>
/// The file name a server suggests in Content-Disposition (RFC 6266), made safe to use as a file
/// name in a folder the caller chose.
/// </summary>
public static class ContentDisposition
{
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
