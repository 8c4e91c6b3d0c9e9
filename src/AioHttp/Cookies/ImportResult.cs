// What CookieJar.Load did: how many cookies came in, and what was wrong with the rest.
namespace AioHttp;

public sealed class ImportResult
{
    public ImportResult(int imported, IReadOnlyList<string> warnings)
    {
        Imported = imported;
        Warnings = warnings ?? [];
    }

    /// <summary>Cookies merged into the jar.</summary>
    public int Imported { get; }

    /// <summary>One per skipped line, e.g. "line 7: expected 7 tab-separated fields, found 3".</summary>
    public IReadOnlyList<string> Warnings { get; }

    public override string ToString() =>
        Warnings.Count == 0 ? $"{Imported} imported" : $"{Imported} imported, {Warnings.Count} skipped";
}
