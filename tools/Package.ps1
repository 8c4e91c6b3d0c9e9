<#
.SYNOPSIS
    Publishes a built AioHttp module folder as a .nupkg into a local file repository, with
    PSResourceGet's Publish-PSResource (shipped with PowerShell 7.6), and returns the package path.
.DESCRIPTION
    The destination folder is registered as a temporary PSResourceGet repository for the publish and
    unregistered afterwards, so the user's repository list is left as it was. Install the result with
    Register-PSResourceRepository -Name local -Uri <Destination> -Trusted; Install-PSResource AioHttp -Repository local.
.EXAMPLE
    ./tools/Package.ps1 -ModulePath ./out/AioHttp -Destination ./out/packages
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Destination
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet

$module = (Resolve-Path $ModulePath).Path
$manifest = Import-PowerShellDataFile (Join-Path $module 'AioHttp.psd1')
$null = New-Item -ItemType Directory -Force $Destination
$Destination = (Resolve-Path $Destination).Path
Get-ChildItem $Destination -Filter "AioHttp.$($manifest.ModuleVersion).nupkg" | Remove-Item -Force

# Publish-PSResource wants the folder named as the module.
$stage = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-package-$([guid]::NewGuid().ToString('n'))"
$staged = Join-Path $stage 'AioHttp'
$repository = "AioHttpBuild$([guid]::NewGuid().ToString('n').Substring(0, 8))"
try {
    $null = New-Item -ItemType Directory -Force $staged
    Copy-Item (Join-Path $module '*') -Destination $staged -Recurse
    Register-PSResourceRepository -Name $repository -Uri $Destination -Trusted
    Publish-PSResource -Path $staged -Repository $repository
} finally {
    if (Get-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue) { Unregister-PSResourceRepository -Name $repository }
    Remove-Item $stage -Recurse -Force -ErrorAction SilentlyContinue
}
$package = Get-ChildItem $Destination -Filter "AioHttp.$($manifest.ModuleVersion).nupkg"
if (-not $package) { throw "Publish-PSResource wrote no AioHttp.$($manifest.ModuleVersion).nupkg into $Destination." }
$package.FullName
