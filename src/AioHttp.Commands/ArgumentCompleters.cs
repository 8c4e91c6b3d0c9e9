using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AioHttp.Commands;

/// <summary>
/// Tab completion for parameters that take one of the module's objects (-Session/-WebSession,
/// -WebSocket): the variables that hold such an object, offered as <c>$name</c>. PowerShell would
/// otherwise offer file names there.
/// </summary>
public sealed class VariableCompleter<T> : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").TrimStart('$');
        // Get-Variable in the runspace the completion runs in sees the caller's scopes (the prompt's, a script's).
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Get-Variable");
        var found = new List<CompletionResult>();
        foreach (var item in shell.Invoke())
        {
            if (item?.BaseObject is not PSVariable variable) continue;
            var value = variable.Value is PSObject wrapped ? wrapped.BaseObject : variable.Value;
            if (value is not T || !variable.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var text = "$" + variable.Name;
            found.Add(new CompletionResult(text, text, CompletionResultType.Variable, $"{text}: {value}"));
        }
        return found.OrderBy(r => r.CompletionText, StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Tab completion for -ContentType: the media types requests commonly carry (any value is accepted).</summary>
public sealed class ContentTypeCompleter : IArgumentCompleter
{
    private static readonly string[] MediaTypes =
    {
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain; charset=utf-8",
        "application/xml",
        "text/xml; charset=utf-8",
        "application/octet-stream",
        "text/csv; charset=utf-8",
        "text/html; charset=utf-8",
        "application/x-ndjson",
        "application/merge-patch+json",
        "application/json-patch+json",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var type in MediaTypes)
        {
            if (!type.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            // Quoted when it holds a space or a semicolon, which PowerShell would otherwise split on.
            var text = type.Contains(' ') || type.Contains(';') ? $"'{type}'" : type;
            yield return new CompletionResult(text, type, CompletionResultType.ParameterValue, type);
        }
    }
}

/// <summary>Tab completion for -SslProtocol: the TLS versions AioHttp allows (others are refused with a reason, not by a ValidateSet).</summary>
public sealed class SslProtocolCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        foreach (var version in new[] { "Tls12", "Tls13" })
        {
            if (version.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(version, version, CompletionResultType.ParameterValue, version);
        }
    }
}
