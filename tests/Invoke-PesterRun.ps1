<#
.SYNOPSIS
    Runs the Pester tests in a fresh PowerShell (started by build.ps1 -Task Test) and writes a
    summary file with the counts. A fresh process keeps the module's assemblies out of the build's.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    [Parameter(Mandatory)] [string] $SummaryFile,
    [string] $Path
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
$env:AIOHTTP_MODULE = $ModulePath
$env:AIOHTTP_TESTSERVER = $ServerInfo

$testRoot = Join-Path $PSScriptRoot 'pester'
$paths = if ($Path) {
    foreach ($p in $Path -split ',') {
        if (Test-Path $p) { (Resolve-Path $p).Path } else { Join-Path $testRoot $p }
    }
} else { $testRoot }

$config = New-PesterConfiguration
$config.Run.Path = @($paths)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Should.ErrorAction = 'Continue'
$result = Invoke-Pester -Configuration $config

# Skipped tests are listed with their reasons, so nothing is skipped silently.
$skipped = @($result.Skipped)
foreach ($test in $skipped) {
    Write-Host "SKIPPED: $($test.ExpandedPath)" -ForegroundColor Yellow
}
$containersFailed = @($result.Containers | Where-Object { $_.Result -eq 'Failed' }).Count
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
    ContainersFailed = $containersFailed
} | ConvertTo-Json | Set-Content $SummaryFile
