using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Lets -Headers take text as well as a dictionary: "Name: value" lines (an Import-Csv column, a
/// here-string, lines copied from a browser's developer tools). A line that is not "Name: value" is
/// kept as a <see cref="MalformedHeaderLine"/> so the request refuses it by name, instead of the
/// binder dropping the whole column without a word.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class HeaderLinesAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        var lines = value switch
        {
            string text => text.Split('\n'),
            string[] texts => texts.SelectMany(t => t.Split('\n')).ToArray(),
            _ => null,
        };
        if (lines is null) return inputData;
        var headers = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                headers[line] = new MalformedHeaderLine(line);
                continue;
            }
            var name = line[..colon].Trim();
            var headerValue = line[(colon + 1)..].Trim();
            // A repeated name repeats the header, as array values do in a dictionary.
            headers[name] = headers[name] switch
            {
                null => headerValue,
                List<object?> values => Add(values, headerValue),
                var first => new List<object?> { first, headerValue },
            };
        }
        return headers;
    }

    private static List<object?> Add(List<object?> values, string value)
    {
        values.Add(value);
        return values;
    }
}

/// <summary>A line of -Headers text that is not "Name: value"; refused when the request is built.</summary>
public sealed class MalformedHeaderLine
{
    public MalformedHeaderLine(string line) => Line = line;

    public string Line { get; }

    public override string ToString() => Line;
}
