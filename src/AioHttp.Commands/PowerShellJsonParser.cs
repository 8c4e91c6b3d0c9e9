using System.Management.Automation;
using System.Reflection;

namespace AioHttp.Commands;

/// <summary>
/// The JSON parser the cmdlets give the sessions they make (New-AioSession and the default session):
/// the code ConvertFrom-Json itself calls, so Json() on a response or a websocket message returns
/// exactly what ConvertFrom-Json would (PSCustomObject, object[] arrays, numbers as
/// Int64/Double/BigInteger, ISO dates as DateTime). It is a session setting, not a process-wide one:
/// sessions a .NET caller makes keep the engine's System.Text.Json parsing.
/// </summary>
internal static class PowerShellJsonParser
{
    // Looked up on the first Json() call, not when a session is made: most sessions never parse JSON
    // through the engine, and the lookup loads ConvertFrom-Json's assembly.
    private static readonly Lazy<MethodInfo?> ConvertFromJson = new(FindConvertFromJson);

    public static object? Parse(string text)
    {
        if (ConvertFromJson.Value is not { } convert) return SessionJson.DefaultParse(text); // this PowerShell lacks it: the engine's shaping
        // ConvertFromJson(string input, bool returnHashtable, int? maxDepth, out ErrorRecord error)
        var args = new object?[] { text, false, 1024, null };
        var result = convert.Invoke(null, args);
        if (args[3] is ErrorRecord error)
            throw new ClientPayloadException($"The body is not valid JSON: {error.Exception?.Message}", error.Exception);
        return result;
    }

    private static MethodInfo? FindConvertFromJson()
    {
        var type = Type.GetType("Microsoft.PowerShell.Commands.JsonObject, Microsoft.PowerShell.Commands.Utility");
        return type?.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == "ConvertFromJson" &&
                m.GetParameters().Select(p => p.ParameterType).SequenceEqual(new[]
                {
                    typeof(string), typeof(bool), typeof(int?), typeof(ErrorRecord).MakeByRefType(),
                }));
    }
}
