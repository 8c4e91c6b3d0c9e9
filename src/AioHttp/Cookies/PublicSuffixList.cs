// The Public Suffix List (publicsuffix.org), read from the embedded public_suffix_list.dat
// (MPL-2.0; see public_suffix_list.LICENSE.txt) on first use, once, and looked up by hash sets.
using System.Globalization;
using System.Reflection;

namespace AioHttp;

/// <summary>
/// Public suffixes ("com", "co.uk", "github.io"): names under which anyone can register, so no
/// cookie may be scoped to them. Implements the PSL algorithm: normal rules, wildcard rules
/// ("*.ck"), exception rules ("!www.ck"), and the implicit "*" rule when nothing matches.
/// Both the ICANN and the private sections are used, as browsers do.
/// </summary>
public static class PublicSuffixList
{
    /// <summary>Manifest resource name of the embedded list.</summary>
    public const string ResourceName = "AioHttp.Cookies.public_suffix_list.dat";

    private static readonly Lazy<Rules> LazyRules = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Number of rules loaded (0 if the list could not be found: then only the implicit "*" rule applies).</summary>
    public static int RuleCount => LazyRules.Value.Count;

    /// <summary>True when <paramref name="domain"/> is itself a public suffix.</summary>
    public static bool IsPublicSuffix(string domain)
    {
        var d = Prepare(domain);
        if (d.Length == 0) return false;
        return GetPublicSuffixCore(d) == d;
    }

    /// <summary>The public suffix of <paramref name="domain"/> (e.g. "co.uk" for "www.example.co.uk").</summary>
    public static string GetPublicSuffix(string domain)
    {
        var d = Prepare(domain);
        return d.Length == 0 ? "" : GetPublicSuffixCore(d);
    }

    /// <summary>The public suffix plus one label ("example.co.uk"), or null when the domain is a public suffix.</summary>
    public static string? GetRegistrableDomain(string domain)
    {
        var d = Prepare(domain);
        if (d.Length == 0) return null;
        var suffix = GetPublicSuffixCore(d);
        if (suffix.Length >= d.Length) return null;
        int dot = d.LastIndexOf('.', d.Length - suffix.Length - 2);
        return dot < 0 ? d : d[(dot + 1)..];
    }

    private static string Prepare(string domain) =>
        CookieMatching.NormalizeDomain(domain ?? "").TrimEnd('.');

    private static string GetPublicSuffixCore(string d)
    {
        var rules = LazyRules.Value;
        // Suffix start offsets, longest suffix first: 0, after first dot, after second dot, ...
        Span<int> starts = stackalloc int[Math.Min(d.Length + 1, 128)];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < d.Length && n < starts.Length; i++)
            if (d[i] == '.') starts[n++] = i + 1;

        // Exception rules win over everything: "!www.ck" makes the suffix "ck".
        for (int k = 0; k < n; k++)
        {
            var s = d[starts[k]..];
            if (rules.Exceptions.Contains(s))
                return k + 1 < n ? d[starts[k + 1]..] : s;
        }
        // Otherwise the longest matching normal or wildcard rule.
        for (int k = 0; k < n; k++)
        {
            var s = d[starts[k]..];
            if (rules.Normal.Contains(s)) return s;
            if (k + 1 < n && rules.Wildcards.Contains(d[starts[k + 1]..])) return s;
        }
        // Implicit "*" rule: the last label.
        return d[starts[n - 1]..];
    }

    private sealed class Rules
    {
        public readonly HashSet<string> Normal = new(StringComparer.Ordinal);
        public readonly HashSet<string> Wildcards = new(StringComparer.Ordinal); // "*.ck" stored as "ck"
        public readonly HashSet<string> Exceptions = new(StringComparer.Ordinal); // "!www.ck" stored as "www.ck"
        public int Count => Normal.Count + Wildcards.Count + Exceptions.Count;
    }

    private static Rules Load()
    {
        var rules = new Rules();
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? OpenFallback();
        if (stream is null) return rules;
        using var reader = new StreamReader(stream);
        Parse(reader, rules);
        return rules;
    }

    // If the resource was not embedded (a build mistake), use the system copy Debian ships.
    private static FileStream? OpenFallback()
    {
        const string system = "/usr/share/publicsuffix/public_suffix_list.dat";
        try { return File.Exists(system) ? File.OpenRead(system) : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static void Parse(TextReader reader, Rules rules)
    {
        var idn = new IdnMapping { AllowUnassigned = true };
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var span = line.AsSpan().Trim();
            if (span.IsEmpty || span.StartsWith("//")) continue;
            int ws = span.IndexOfAny(' ', '\t');
            if (ws >= 0) span = span[..ws];

            var set = rules.Normal;
            if (span.StartsWith("!")) { set = rules.Exceptions; span = span[1..]; }
            else if (span.StartsWith("*.")) { set = rules.Wildcards; span = span[2..]; }
            if (span.IsEmpty) continue;

            var rule = span.ToString();
            foreach (var ch in rule)
            {
                if (ch > 0x7F)
                {
                    try { rule = idn.GetAscii(rule); }
                    catch (ArgumentException) { rule = ""; }
                    break;
                }
            }
            if (rule.Length > 0) set.Add(rule.ToLowerInvariant());
        }
    }
}
