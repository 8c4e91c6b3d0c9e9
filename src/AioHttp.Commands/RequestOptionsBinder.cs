using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Authentication;

namespace AioHttp.Commands;

/// <summary>
/// Turns what PowerShell binds (hashtables, PSObjects, arrays, PSCredential) into the engine's types.
/// Every refusal is an ArgumentException whose message names the parameter and what to pass instead.
/// </summary>
internal static class RequestOptionsBinder
{
    public static object? Unwrap(object? value) => value is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : value;

    /// <summary>A header dictionary (array values repeat the header), checked for CR/LF before anything is sent.</summary>
    public static List<KeyValuePair<string, string>> Headers(IDictionary? headers, string parameter = "-Headers")
    {
        var result = new List<KeyValuePair<string, string>>();
        if (headers is null) return result;
        foreach (DictionaryEntry entry in headers)
        {
            var name = Text(entry.Key, parameter) ?? throw new ArgumentException($"{parameter} has a null header name.");
            if (Unwrap(entry.Value) is MalformedHeaderLine malformed)
                throw new ArgumentException($"{parameter}: the line '{malformed.Line}' is not a header. Write one header per line as 'Name: value', or pass a dictionary (@{{ Name = 'value' }}).");
            foreach (var value in Values(entry.Value))
            {
                var text = Text(value, parameter) ?? "";
                InvalidHeaderException.ThrowIfInvalid(name, text);
                result.Add(new(name, text));
            }
        }
        return result;
    }

    /// <summary>A cookie dictionary: name = value, checked (InvalidHeader) before anything is sent.</summary>
    public static List<KeyValuePair<string, string>> Cookies(IDictionary? cookies)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (cookies is null) return result;
        foreach (DictionaryEntry entry in cookies)
        {
            var name = Text(entry.Key, "-Cookies") ?? "";
            var value = Text(Unwrap(entry.Value), "-Cookies") ?? "";
            InvalidHeaderException.ThrowIfInvalidCookie(name, value, "-Cookies");
            result.Add(new(name, value));
        }
        return result;
    }

    /// <summary>
    /// aiohttp's params: a dictionary (array values repeat the key), a list of pairs (@('k','v'),
    /// [KeyValuePair], DictionaryEntry, objects with Key/Value or Name/Value), or a string.
    /// </summary>
    public static void Query(object? query, RequestOptions request)
    {
        query = Unwrap(query);
        switch (query)
        {
            case null:
                return;
            case string s:
                request.QueryString = s;
                return;
            case IDictionary dictionary:
                request.Query = DictionaryPairs(dictionary);
                return;
            case IEnumerable sequence:
                request.Query = SequencePairs(sequence);
                return;
            default:
                throw new ArgumentException($"-Query takes a dictionary (@{{ key = 'value' }}), a list of pairs (@(,@('key','value'))) or a string, not {query.GetType().Name}.");
        }
    }

    /// <summary>A dictionary as query pairs (array values repeat the key): -Body on GET and HEAD.</summary>
    public static List<KeyValuePair<string, object?>> QueryPairs(IDictionary dictionary) => DictionaryPairs(dictionary);

    /// <summary>Whether a string already is one JSON value (so -Json sends it as it is).</summary>
    public static bool IsJsonText(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new System.Text.Json.JsonReaderOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Disallow });
            while (reader.Read()) { }
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static List<KeyValuePair<string, object?>> DictionaryPairs(IDictionary dictionary)
    {
        var pairs = new List<KeyValuePair<string, object?>>();
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = Text(entry.Key, "-Query") ?? "";
            foreach (var value in Values(entry.Value)) pairs.Add(new(key, Unwrap(value)));
        }
        return pairs;
    }

    private static List<KeyValuePair<string, object?>> SequencePairs(IEnumerable sequence)
    {
        var pairs = new List<KeyValuePair<string, object?>>();
        foreach (var raw in sequence)
        {
            var item = Unwrap(raw);
            switch (item)
            {
                case DictionaryEntry de:
                    pairs.Add(new(Text(de.Key, "-Query") ?? "", Unwrap(de.Value)));
                    break;
                case KeyValuePair<string, object?> kv:
                    pairs.Add(kv);
                    break;
                case KeyValuePair<string, string> kvs:
                    pairs.Add(new(kvs.Key, kvs.Value));
                    break;
                case IList list when list.Count == 2:
                    pairs.Add(new(Text(Unwrap(list[0]), "-Query") ?? "", Unwrap(list[1])));
                    break;
                case PSObject pso when (pso.Properties["Key"] ?? pso.Properties["Name"]) is { } keyProperty && pso.Properties["Value"] is { } valueProperty:
                    pairs.Add(new(Text(Unwrap(keyProperty.Value), "-Query") ?? "", Unwrap(valueProperty.Value)));
                    break;
                case IDictionary dictionary:
                    pairs.AddRange(DictionaryPairs(dictionary));
                    break;
                default:
                    throw new ArgumentException(
                        $"-Query: the item '{item}' is not a key/value pair. Write pairs as @(@('key','value'), @('key','value2')) or use a dictionary.");
            }
        }
        return pairs;
    }

    /// <summary>
    /// aiohttp's data=: a string (text/plain; charset=utf-8, or the -ContentType's charset), bytes,
    /// a dictionary (application/x-www-form-urlencoded; array values repeat the field), a FormData,
    /// a file (FileInfo, streamed), a Stream (streamed), or a ClientResponse opened with -Stream
    /// (its body forwarded as it arrives). A ScriptBlock is the cmdlet's business (it needs the runspace).
    /// </summary>
    public static Payload Body(object? body, string? contentType)
    {
        body = Unwrap(body);
        Payload payload = body switch
        {
            null => new BytesPayload(Array.Empty<byte>(), null),
            string s => StringPayload.Create(s, contentType),
            byte[] bytes => new BytesPayload(bytes),
            IDictionary form => FormUrlEncodedPayload.Create(FormFields(form)),
            char[] chars => StringPayload.Create(new string(chars), contentType),
            // [xml] is sent as its XML text, as Invoke-WebRequest does, in the encoding its declaration names.
            System.Xml.XmlNode xml => StringPayload.Create(xml.OuterXml, contentType ?? $"application/xml; charset={XmlEncoding(xml)}"),
            FormData formData => formData.ToPayload(),
            FileInfo file => new FilePayload(file, contentType),
            System.IO.Stream stream => new StreamPayload(stream),
            ClientResponse response => new ResponsePayload(response),
            DirectoryInfo folder => throw new ArgumentException($"-Body cannot send the folder '{folder.FullName}'. Give a file (Get-Item ./file), or use -InFile <path>."),
            _ => throw new ArgumentException(
                $"-Body cannot send a {body.GetType().FullName}. Pass a string, a byte[], a dictionary (sent as a urlencoded form), " +
                "a FormData (New-AioFormData), a file (Get-Item), a Stream, a response opened with -Stream, or a ScriptBlock; for JSON use -Json."),
        };
        if (contentType is not null) payload.ContentType = contentType;
        return payload;
    }

    private static string XmlEncoding(System.Xml.XmlNode xml) =>
        (xml as System.Xml.XmlDocument ?? xml.OwnerDocument)?.FirstChild is System.Xml.XmlDeclaration { Encoding: { Length: > 0 } encoding } ? encoding : "utf-8";

    /// <summary>
    /// -Form: FileInfo values become file parts (streamed), Stream and byte[] values binary parts,
    /// strings and numbers text fields; array values repeat the field. Sent multipart when any part
    /// is a file, stream or bytes, else urlencoded (aiohttp's FormData rule).
    /// </summary>
    public static FormData Form(IDictionary form)
    {
        var result = new FormData();
        foreach (DictionaryEntry entry in form)
        {
            var name = Text(entry.Key, "-Form") ?? "";
            foreach (var value in Values(entry.Value)) AddFormValue(result, name, value, "-Form");
        }
        return result;
    }

    /// <summary>One value of a form field, by its type (shared by -Form and Add-AioFormField -Value).</summary>
    public static void AddFormValue(FormData form, string name, object? value, string parameter, string? fileName = null, string? contentType = null)
    {
        switch (Unwrap(value))
        {
            case FileInfo file:
                form.AddFile(name, file.FullName, fileName, contentType);
                break;
            case System.IO.Stream stream:
                form.AddStream(name, stream, fileName, contentType);
                break;
            case byte[] bytes:
                form.AddBytes(name, bytes, fileName ?? name, contentType);
                break;
            case null:
                form.AddField(name, "", contentType, fileName);
                break;
            case PSObject custom:
                throw new ArgumentException(
                    $"{parameter}: the field '{name}' has a value of type {custom.TypeNames.FirstOrDefault() ?? "PSObject"}, which a form cannot send. " +
                    "Give a string or number (a text field), a file (Get-Item ./file), a Stream or a byte[]; convert an object with ConvertTo-Json first.");
            case string or char or bool or IFormattable:
                form.AddField(name, Text(value, parameter)!, contentType, fileName);
                break;
            case var other:
                throw new ArgumentException(
                    $"{parameter}: the field '{name}' has a value of type {other.GetType().FullName}, which a form cannot send. " +
                    "Give a string or number (a text field), a file (Get-Item ./file), a Stream or a byte[].");
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> FormFields(IDictionary form)
    {
        foreach (DictionaryEntry entry in form)
        {
            var key = Text(entry.Key, "-Body") ?? "";
            foreach (var value in Values(entry.Value)) yield return new(key, Text(value, "-Body") ?? "");
        }
    }

    public static BasicAuth? Auth(PSCredential? credential) =>
        credential is null || credential == PSCredential.Empty
            ? null
            : new BasicAuth(credential.UserName, credential.GetNetworkCredential().Password ?? "");

    private static readonly string[] AuthenticationNames = { "Basic", "Bearer", "Digest" };

    /// <summary>
    /// -Authentication with -Credential or -Token: Basic (the default for -Credential alone) and Digest
    /// take -Credential, Bearer takes -Token. A mismatch names the parameters to give.
    /// </summary>
    public static Authenticator? Auth(string? authentication, PSCredential? credential, SecureString? token)
    {
        if (credential == PSCredential.Empty) credential = null;
        // ValidateSet lets any case through: the canonical name, for the switch and the messages.
        authentication = AuthenticationNames.FirstOrDefault(name => string.Equals(name, authentication, StringComparison.OrdinalIgnoreCase));
        if (credential is not null && token is not null)
            throw new ArgumentException("-Token and -Credential cannot be used together: give -Credential with -Authentication Basic or Digest, or -Token with -Authentication Bearer.");
        switch (authentication)
        {
            case null:
                if (token is not null)
                    throw new ArgumentException("-Token needs -Authentication Bearer: add -Authentication Bearer.");
                return Auth(credential);
            case "Bearer":
                if (credential is not null)
                    throw new ArgumentException("-Authentication Bearer takes -Token, not -Credential: give the token as a SecureString with -Token.");
                if (token is null)
                    throw new ArgumentException("-Authentication Bearer needs -Token: give the token as a SecureString (Read-Host -AsSecureString, or ConvertTo-SecureString).");
                return new BearerAuth(new NetworkCredential("", token).Password);
            default:
                if (token is not null)
                    throw new ArgumentException($"-Token is for -Authentication Bearer; -Authentication {authentication} takes -Credential.");
                if (credential is null)
                    throw new ArgumentException($"-Authentication {authentication} needs -Credential (Get-Credential, or a PSCredential).");
                var password = credential.GetNetworkCredential().Password ?? "";
                return authentication == "Digest"
                    ? new DigestAuth(credential.UserName, password)
                    : new BasicAuth(credential.UserName, password);
        }
    }

    /// <summary>-HttpVersion as Invoke-WebRequest spells it: 1.0 (a real HTTP/1.0 request), 1.1, 2 or 2.0.</summary>
    public static Version HttpVersion(string version) => version switch
    {
        "1.0" => System.Net.HttpVersion.Version10,
        "2" or "2.0" => System.Net.HttpVersion.Version20,
        _ => System.Net.HttpVersion.Version11,
    };

    /// <summary>The -SslProtocol names (Tls12, Tls13, any case) as one value; null when none are given.</summary>
    public static SslProtocols? ParseProtocols(IEnumerable<string>? names)
    {
        SslProtocols? result = null;
        foreach (var name in names ?? [])
        {
#pragma warning disable CA5397 // TLS 1.2 is still sound and is asked for by name here; 1.0 and 1.1 are refused
            var value = name?.Trim() switch
            {
                { } n when n.Equals("Tls12", StringComparison.OrdinalIgnoreCase) => SslProtocols.Tls12,
                { } n when n.Equals("Tls13", StringComparison.OrdinalIgnoreCase) => SslProtocols.Tls13,
                _ => throw new ArgumentException($"-SslProtocol '{name}' is not a TLS version AioHttp allows: give Tls12, Tls13 or both (Tls12,Tls13)."),
            };
#pragma warning restore CA5397
            result = (result ?? SslProtocols.None) | value;
        }
        return result;
    }

    public static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>A value, or each element of an array value.</summary>
    private static IEnumerable<object?> Values(object? value)
    {
        value = Unwrap(value);
        if (value is IEnumerable sequence and not string and not IDictionary)
        {
            foreach (var item in sequence) yield return Unwrap(item);
        }
        else
        {
            yield return value;
        }
    }

    private static string? Text(object? value, string parameter)
    {
        value = Unwrap(value);
        return value switch
        {
            null => null,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
