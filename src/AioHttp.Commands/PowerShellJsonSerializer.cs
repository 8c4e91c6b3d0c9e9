using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AioHttp.Commands;

/// <summary>
/// Serialises what a PowerShell user passes to -Json (hashtables, [ordered], PSCustomObject, arrays,
/// .NET objects) the way ConvertTo-Json shapes them, but without ConvertTo-Json's silent depth-2
/// truncation: nesting is followed to <see cref="MaxDepth"/>, and deeper is an error, never lost data.
/// </summary>
internal static class PowerShellJsonSerializer
{
    public const int MaxDepth = 100;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>
    /// The one place request and websocket JSON is serialised: the session's -JsonSerializer when it has
    /// one (aiohttp's json_serialize), else ConvertTo-Json's shapes without its depth limit.
    /// </summary>
    public static byte[] SerializeToUtf8(object? value, Func<object?, string>? sessionSerializer) =>
        sessionSerializer is { } custom ? System.Text.Encoding.UTF8.GetBytes(custom(value)) : SerializeToUtf8(value);

    public static byte[] SerializeToUtf8(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, 0);
        }
        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
            throw new ArgumentException($"The -Json object nests deeper than {MaxDepth} levels (a cycle?). Flatten it, or pass the JSON text as -Body with -ContentType application/json.");

        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject)
            {
                writer.WriteStartObject();
                foreach (var property in pso.Properties)
                {
                    if (!property.IsGettable) continue;
                    writer.WritePropertyName(property.Name);
                    Write(writer, SafeGet(property), depth + 1);
                }
                writer.WriteEndObject();
                return;
            }
            value = pso.BaseObject;
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return;
            case string s:
                writer.WriteStringValue(s);
                return;
            case char c:
                writer.WriteStringValue(c.ToString());
                return;
            case bool b:
                writer.WriteBooleanValue(b);
                return;
            case int or long or short or sbyte or byte or uint or ushort or ulong:
                writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!, skipInputValidation: true);
                return;
            case BigInteger big:
                writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                return;
            case decimal m:
                writer.WriteNumberValue(m);
                return;
            case double d:
                if (double.IsFinite(d)) writer.WriteNumberValue(d); else writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                return;
            case float f:
                if (float.IsFinite(f)) writer.WriteNumberValue(f); else writer.WriteStringValue(f.ToString(CultureInfo.InvariantCulture));
                return;
            case DateTime dt:
                writer.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture));
                return;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture));
                return;
            case Enum e:
                // ConvertTo-Json writes enums as their numbers unless -EnumsAsStrings.
                writer.WriteRawValue(Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                return;
            case Guid or Uri or Version or TimeSpan:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(PSObjectUnwrap(entry.Key), CultureInfo.InvariantCulture) ?? "");
                    Write(writer, entry.Value, depth + 1);
                }
                writer.WriteEndObject();
                return;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var item in sequence) Write(writer, item, depth + 1);
                writer.WriteEndArray();
                return;
        }

        // Any other .NET object: its public properties, as ConvertTo-Json does.
        writer.WriteStartObject();
        foreach (var property in PSObject.AsPSObject(value).Properties)
        {
            if (!property.IsGettable || property.MemberType is not (PSMemberTypes.Property or PSMemberTypes.NoteProperty)) continue;
            writer.WritePropertyName(property.Name);
            Write(writer, SafeGet(property), depth + 1);
        }
        writer.WriteEndObject();
    }

    private static object? SafeGet(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null;
        }
    }

    private static object? PSObjectUnwrap(object? value) => value is PSObject p ? p.BaseObject : value;
}
