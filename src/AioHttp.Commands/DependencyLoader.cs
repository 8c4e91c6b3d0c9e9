using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace AioHttp.Commands;

/// <summary>
/// Keeps the module's third-party assemblies (DnsClient) out of PowerShell's default load context,
/// where they could clash with another module's copy: they ship under Dependencies/ (not beside the
/// module, so nothing finds them by accident) and load into a private AssemblyLoadContext when the
/// engine first needs one. The pattern of the PowerShell docs' "resolving assembly conflicts" sample.
/// </summary>
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

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name) =>
        DependencyLoadContext.PathOf(Folder, name) is not null ? Context.LoadFromAssemblyName(name) : null;

    private sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string _folder;

        public DependencyLoadContext(string folder) : base("AioHttp.Dependencies") => _folder = folder;

        public static string? PathOf(string folder, AssemblyName name)
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
