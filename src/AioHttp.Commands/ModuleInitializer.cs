using System.Management.Automation;
using System.Reflection;

namespace AioHttp.Commands;

/// <summary>
/// On import: registers the loader of the module's third-party assemblies (DependencyLoader), lets Ctrl+C
/// interrupt the engine's synchronous reads (PromptStop), and makes ClientResponse.Json() shape JSON exactly as ConvertFrom-Json does (PSCustomObject,
/// object[] arrays, numbers as Int64/Double/BigInteger, ISO dates as DateTime), by calling the same
/// code ConvertFrom-Json calls.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    // ConvertFrom-Json's method is looked up on the first Json() call, not on import: import stays
    // cheap, and most sessions never parse JSON through the engine.
    private static readonly Lazy<MethodInfo?> ConvertFromJson = new(FindConvertFromJson);
    private static Func<string, object?>? _engineParser;

    public void OnImport()
    {
        DependencyLoader.Register();
        PromptStop.Install();
        _engineParser ??= ClientResponse.JsonParser; // once: a second import must not wrap our own parser
        ClientResponse.JsonParser = ParseJson;
    }

    private static object? ParseJson(string text)
    {
        if (ConvertFromJson.Value is not { } convert) return _engineParser!(text); // keeps the engine's JsonElement shaping
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
