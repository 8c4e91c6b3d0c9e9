using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// On import: registers the loader of the module's third-party assemblies (DependencyLoader) and lets
/// Ctrl+C interrupt the engine's synchronous reads (PromptStop). JSON shaping is not installed here: it
/// is a setting of each session the cmdlets make (PowerShellJsonParser).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        DependencyLoader.Register();
        PromptStop.Install();
    }
}
