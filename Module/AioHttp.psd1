@{
    RootModule           = 'AioHttp.Commands.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f0b6c8e-5d1a-4c47-9f3e-2a8a9f6b1d42'
    Author               = 'The AioHttp developers'
    CompanyName          = 'AioHttp'
    Copyright            = '(c) 2026 The AioHttp developers. Licensed under the MIT License (see LICENSE; third-party notices in THIRD-PARTY-NOTICES.txt).'
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
        'Export-AioHar'
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
            Tags         = @('http', 'aiohttp', 'rest', 'client', 'async', 'websocket', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/license/mit'
            ReleaseNotes = 'Second round: hardened against hostile servers and bad input (header injection, credentials across redirects, special files, decompression bombs, response framing); MIT licensed, packaged with PSResourceGet.'
        }
    }
}
