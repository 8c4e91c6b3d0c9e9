#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks AioHttp.
.DESCRIPTION
    Tasks:
      Build  (default) the module into out/AioHttp (manifest, assemblies precompiled ReadyToRun for this
             platform when the SDK's crossgen can be restored, en-US help, format and type files)
      Help   compiles docs/help/*.md (platyPS schema 2.0.0) into MAML under out/AioHttp/en-US
      Test   builds, runs the xunit engine tests and the Pester tests against the local test server;
             the last line is "N passed, N failed, N skipped"; exits non-zero on any failure
      Demo   builds, starts the bundled local test server and runs a short tour of the module
      Bench  runs the benchmarks in bench/, each printing its ratios against the peers it names
      Package builds, then publishes the module as a .nupkg (Publish-PSResource) to out/packages
    Without pwsh on the machine, run it through the .NET SDK:
      dotnet tool exec PowerShell@7.6.9 --yes -- ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Help', 'Test', 'Demo', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Run only these Pester files (paths or names under tests/pester); all when empty.
    [string[]] $PesterPath,

    # Skip the xunit tests in the Test task.
    [switch] $SkipXunit
)

#Requires -Version 7.6
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'AioHttp'
$ResultsDir = Join-Path $Out 'test-results'
$PesterVersion = '5.7.1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

Import-Module (Join-Path $Root 'tests/TestServerControl.psm1') -Force

function Write-Step([string] $Message) { Write-Host "==> $Message" -ForegroundColor Cyan }

function Invoke-Native {
    # Runs a program; a non-zero exit code is an error naming the command.
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-PwshInvocation {
    # The command line that starts a child PowerShell like this one (pwsh, or 'dotnet pwsh.dll' under 'dotnet tool exec').
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($process)
}

function Invoke-ChildPwsh {
    param([string] $File, [string[]] $Arguments)
    $pwsh = Get-PwshInvocation
    $all = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments
    & $pwsh[0] @all | Out-Host
    return $LASTEXITCODE
}

function Get-ReadyToRunRuntime {
    # The runtime identifier to precompile for (this machine's), once crossgen for it restores; else
    # $null after a visible note. The restore is the only step that needs the package registry.
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $rid = "$os-$([Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant())"
    $project = Join-Path $Root 'src/AioHttp.Commands/AioHttp.Commands.csproj'
    $log = & dotnet restore $project -r $rid '-p:PublishReadyToRun=true' --nologo -v q 2>&1
    if ($LASTEXITCODE -eq 0) { return $rid }
    Write-Warning ("ReadyToRun is unavailable (restoring crossgen for $rid failed), so the module is built without " +
        "precompiled code: it works the same, but a fresh pwsh JIT-compiles it on first use. $(@($log | Select-Object -Last 3) -join ' ')")
    $null
}

function Build-Module {
    Write-Step "Building the module ($Configuration) into $ModuleOut"
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Force $ModuleOut
    $project = Join-Path $Root 'src/AioHttp.Commands/AioHttp.Commands.csproj'
    $rid = Get-ReadyToRunRuntime
    if ($rid) {
        # The module's own assemblies are precompiled (ReadyToRun, the SDK's crossgen, as PowerShell
        # ships itself): a fresh pwsh then runs the request path without JIT-compiling it first. The
        # native code is for this machine's OS and architecture; elsewhere the same files still run,
        # JIT-compiled from their IL. Crossgen comes from the package registry (the SDK picks the
        # version); when it cannot be had, the module is built without it and says so.
        # The cmdlets derive from PowerShell's classes, and PowerShellStandard.Library (what they compile
        # against) holds no field layouts: crossgen skips every method that depends on them unless it
        # also sees a real System.Management.Automation. The one running this build is that (7.6, as
        # the manifest requires); under another PowerShell the runtime checks the layouts and
        # JIT-compiles whatever does not match, so the files stay correct everywhere.
        $automation = [System.Management.Automation.PSObject].Assembly.Location
        Invoke-Native dotnet @('publish', $project, '-c', $Configuration, '-r', $rid, '--self-contained', 'false',
            '-p:PublishReadyToRun=true', "-p:PublishReadyToRunCrossgen2ExtraArgs=-r:$automation", '-o', $ModuleOut, '--nologo', '-v', 'q', '-clp:NoSummary')
    }
    else {
        Invoke-Native dotnet @('build', $project, '-c', $Configuration, '-o', $ModuleOut, '--nologo', '-v', 'q', '-clp:NoSummary')
    }
    Get-ChildItem (Join-Path $Root 'Module') -File | Copy-Item -Destination $ModuleOut
    # PowerShell itself provides System.Management.Automation; never ship the reference assembly.
    Get-ChildItem $ModuleOut -Filter 'System.Management.Automation.dll' | Remove-Item -Force
    # Third-party assemblies go under Dependencies/, loaded into a private AssemblyLoadContext by
    # AioHttp.Commands' DependencyLoader, so they never clash with another module's copy.
    $dependencies = Join-Path $ModuleOut 'Dependencies'
    $null = New-Item -ItemType Directory -Force $dependencies
    Get-ChildItem $ModuleOut -File | Where-Object { $_.Extension -in '.dll', '.pdb', '.xml' -and $_.BaseName -notlike 'AioHttp*' } |
        Move-Item -Destination $dependencies -Force
    # What a user installs carries no build leftovers: no symbols (stack traces would show build
    # paths) and no deps.json; the license and the third-party notices travel with the module.
    Get-ChildItem $ModuleOut -Recurse -File | Where-Object { $_.Extension -eq '.pdb' -or $_.Name -like '*.deps.json' } | Remove-Item -Force
    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'THIRD-PARTY-NOTICES.txt') -Destination $ModuleOut
    Invoke-Help
}

function Invoke-Package {
    Build-Module
    $destination = Join-Path $Out 'packages'
    Write-Step "Publishing the module as a .nupkg into $destination"
    $package = & (Join-Path $Root 'tools/Package.ps1') -ModulePath $ModuleOut -Destination $destination
    Write-Host "Package: $package"
}

function Invoke-Help {
    Write-Step 'Compiling docs/help into MAML'
    $helpOut = Join-Path $ModuleOut 'en-US'
    $null = New-Item -ItemType Directory -Force $helpOut
    & (Join-Path $Root 'tools/HelpCompiler.ps1') -SourcePath (Join-Path $Root 'docs/help') -OutputPath $helpOut -ModuleName AioHttp -AssemblyName 'AioHttp.Commands.dll'
}

function Get-PesterModulePath {
    # Pester is pinned and fetched from the package registry with the SDK's own restore.
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $psd1 = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) {
        Write-Step "Fetching Pester $PesterVersion"
        $fetch = Join-Path $Root '.tools/pester-fetch'
        $null = New-Item -ItemType Directory -Force $fetch
        @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PesterVersion]" /></ItemGroup>
</Project>
"@ | Set-Content (Join-Path $fetch 'fetch.csproj')
        Invoke-Native dotnet @('restore', (Join-Path $fetch 'fetch.csproj'), '--nologo', '-v', 'q')
    }
    if (-not (Test-Path $psd1)) { throw "Pester $PesterVersion was not found at $psd1 after restore." }
    return $psd1
}

function Start-LocalTestServer {
    # The test server, built and started by tests/TestServerControl.psm1 (the path Pester files run on
    # their own take too).
    Write-Step 'Building the test server'
    $dll = Build-TestServer -Configuration $Configuration -OutputPath (Join-Path $Out 'testserver')
    $server = Start-TestServer $dll
    Write-Step "Test server at $($server.Info.http) (raw $($server.Info.raw))"
    return $server
}

function Invoke-XunitTests {
    Write-Step 'Running the xunit engine tests'
    $trx = Join-Path $ResultsDir 'xunit.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $Root 'tests/AioHttp.Tests/AioHttp.Tests.csproj') -c $Configuration --nologo -v q `
        --logger "trx;LogFileName=xunit.trx" --logger 'console;verbosity=minimal' --results-directory $ResultsDir | Out-Host
    if (-not (Test-Path $trx)) { throw "The xunit run produced no results ($trx): it did not build or crashed." }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    return [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

function Invoke-PesterTests($Server) {
    Write-Step 'Running the Pester tests'
    $resultFile = Join-Path $ResultsDir 'pester-summary.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    $arguments = @('-PesterModule', (Get-PesterModulePath), '-ModulePath', (Join-Path $ModuleOut 'AioHttp.psd1'),
        '-ServerInfo', $Server.ReadyFile, '-SummaryFile', $resultFile)
    if ($PesterPath) { $arguments += @('-Path', ($PesterPath -join ',')) }
    $null = Invoke-ChildPwsh (Join-Path $Root 'tests/Invoke-PesterRun.ps1') $arguments
    if (-not (Test-Path $resultFile)) { throw 'The Pester run produced no summary: it crashed before finishing.' }
    return Get-Content $resultFile -Raw | ConvertFrom-Json
}

function Invoke-Test {
    Build-Module
    $null = New-Item -ItemType Directory -Force $ResultsDir
    $totals = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $problems = @()
    if (-not $SkipXunit) {
        try {
            $x = Invoke-XunitTests
            Write-Host "xunit: $($x.Passed) passed, $($x.Failed) failed, $($x.Skipped) skipped"
            $totals.Passed += $x.Passed; $totals.Failed += $x.Failed; $totals.Skipped += $x.Skipped
        } catch {
            $problems += "xunit: $_"
        }
    }
    $server = $null
    try {
        $server = Start-LocalTestServer
        $p = Invoke-PesterTests $server
        Write-Host "pester: $($p.Passed) passed, $($p.Failed) failed, $($p.Skipped) skipped"
        $totals.Passed += $p.Passed; $totals.Failed += $p.Failed; $totals.Skipped += $p.Skipped
    } catch {
        $problems += "pester: $_"
    } finally {
        Stop-TestServer $server
    }
    foreach ($problem in $problems) { Write-Host "ERROR $problem" -ForegroundColor Red }
    if ($problems) { $totals.Failed += 1 }
    Write-Host "$($totals.Passed) passed, $($totals.Failed) failed, $($totals.Skipped) skipped"
    if ($totals.Failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Build-Module
    $server = $null
    try {
        $server = Start-LocalTestServer
        $code = Invoke-ChildPwsh (Join-Path $Root 'tools/Demo.ps1') @('-ModulePath', (Join-Path $ModuleOut 'AioHttp.psd1'), '-BaseUrl', $server.Info.http)
        if ($code -ne 0) { throw "The demo failed (exit code $code)." }
    } finally {
        Stop-TestServer $server
    }
}

function Invoke-Bench {
    Build-Module
    $benches = @(Get-ChildItem (Join-Path $Root 'bench') -Filter '*.Bench.ps1' | Sort-Object Name)
    if (-not $benches) { throw 'No benchmarks found in bench/ (files named *.Bench.ps1).' }
    $server = $null
    $failed = 0
    try {
        $server = Start-LocalTestServer
        foreach ($bench in $benches) {
            Write-Step "Benchmark $($bench.Name)"
            $code = Invoke-ChildPwsh $bench.FullName @('-ModulePath', (Join-Path $ModuleOut 'AioHttp.psd1'), '-ServerInfo', $server.ReadyFile)
            if ($code -ne 0) { $failed++; Write-Host "Benchmark $($bench.Name) failed (exit code $code)" -ForegroundColor Red }
        }
    } finally {
        Stop-TestServer $server
    }
    if ($failed) { exit 1 }
}

switch ($Task) {
    'Build' { Build-Module }
    'Help' { Invoke-Help }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Clean' { Remove-Item $Out, (Join-Path $Root '.tools') -Recurse -Force -ErrorAction SilentlyContinue }
}
