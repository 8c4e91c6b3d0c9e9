using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace AioHttp.Commands;

/// <summary>
/// Keeps the module's third-party assemblies (DnsClient, ZstdSharp) out of PowerShell's default load context,
/// where they could clash with another module's copy: they ship under Dependencies/ (not beside the
/// module, so nothing finds them by accident) and load into a private AssemblyLoadContext when the
/// engine first needs one. The pattern of the PowerShell docs' "resolving assembly conflicts" sample.
/// </summary>
/// <remarks>
/// What is isolated and what is not:
/// - Isolated: the assemblies under Dependencies/. The default context's Resolving event is answered
///   only for those names, and only when the version asked for is one the shipped file satisfies
///   (same major version, not newer than the file); any other request falls through to other
///   resolvers, so we never hand our copy to a module that wants something else.
/// - Not isolated: the engine (AioHttp.dll) and the cmdlets stay in the default context, because
///   PowerShell resolves the module's public types (ClientResponse, the exception types used in
///   catch blocks) there. If another module loaded a DnsClient into the default context first, the
///   engine's reference still binds to that copy; the version check below cannot prevent that, it only
///   keeps ours from being handed out where it does not fit.
/// </remarks>
public sealed class DependencyLoader : IModuleAssemblyCleanup
{
    private static readonly string Folder =
        Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location)!, "Dependencies");

    private static readonly DependencyLoadContext Context = new(Folder);
    private static int _registered;

    /// <summary>Called on import (ModuleInitializer): the default context asks us for what it cannot find.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) AssemblyLoadContext.Default.Resolving += Resolve;
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Interlocked.Exchange(ref _registered, 0) == 1) AssemblyLoadContext.Default.Resolving -= Resolve;
    }

    /// <summary>The private context's assemblies, for tests and diagnostics.</summary>
    public static IEnumerable<Assembly> LoadedDependencies => Context.Assemblies;

    // name -> version of each shipped dependency, read once from the files (not loaded to read them).
    private static readonly Lazy<Dictionary<string, Version?>> Shipped = new(() =>
    {
        var result = new Dictionary<string, Version?>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(Folder)) return result;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.dll"))
        {
            try
            {
                var shipped = AssemblyName.GetAssemblyName(file);
                if (shipped.Name is { } n) result[n] = shipped.Version;
            }
            catch (BadImageFormatException)
            {
            }
        }
        return result;
    });

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name) =>
        Satisfies(name) ? Context.LoadFromAssemblyName(name) : null;

    /// <summary>True when the request names a shipped dependency whose file can serve the version asked for.</summary>
    public static bool Satisfies(AssemblyName requested)
    {
        if (requested.Name is not { } n || !Shipped.Value.TryGetValue(n, out var shipped)) return false;
        if (requested.Version is not { } wanted || shipped is null) return true;
        return wanted.Major == shipped.Major && wanted <= shipped;
    }

    private sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string _folder;

        public DependencyLoadContext(string folder) : base("AioHttp.Dependencies") => _folder = folder;

        private static string? PathOf(string folder, AssemblyName name)
        {
            if (string.IsNullOrEmpty(name.Name)) return null;
            var path = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(path) ? path : null;
        }

        // A dependency of a dependency is looked for in the same folder first; else the default context serves it.
        protected override Assembly? Load(AssemblyName name) =>
            PathOf(_folder, name) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
