@{
    RootModule           = 'AioHttp.Commands.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f0b6c8e-5d1a-4c47-9f3e-2a8a9f6b1d42'
    Author               = 'The AioHttp developers'
    CompanyName          = 'AioHttp'
    Copyright            = '(c) The AioHttp developers. All rights reserved.'
    Description          = "aiohttp's HTTP client as a compiled PowerShell module: pooled sessions, cookie jars, redirects with history, streaming, and many requests in flight from one pipeline."
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    RequiredAssemblies   = @('AioHttp.dll')
    TypesToProcess       = @('AioHttp.Types.ps1xml')
    FormatsToProcess     = @('AioHttp.Format.ps1xml')
    CmdletsToExport      = @(
        'New-AioSession'
        'Close-AioSession'
        'Invoke-AioRequest'
        'Get-AioCookie'
        'Export-AioCookie'
        'Import-AioCookie'
        'New-AioFormData'
        'Add-AioFormField'
        'Connect-AioWebSocket'
        'Send-AioWebSocket'
        'Receive-AioWebSocket'
        'Disconnect-AioWebSocket'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('http', 'aiohttp', 'rest', 'client', 'async')
        }
    }
}
