# The module as a user installs it: a .nupkg published with PSResourceGet, installed with
# Install-PSResource into a throw-away home, imported by name in a fresh PowerShell.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:ModuleFolder = Split-Path (Get-Module AioHttp).Path
    $script:Server = Get-TestServer
    function Test-Precompiled([string] $Path) {
        # The corrected COR header's ManagedNativeHeader points at the ReadyToRun code; IL-only assemblies have none.
        $stream = [IO.File]::OpenRead($Path)
        try { [Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 }
        finally { $stream.Dispose() }
    }
}

Describe 'The shipped module folder' {
    It 'carries the MIT license and the third-party notices' {
        Join-Path $ModuleFolder 'LICENSE' | Should -Exist
        Get-Content (Join-Path $ModuleFolder 'LICENSE') -Raw | Should -Match 'MIT License'
        $notices = Get-Content (Join-Path $ModuleFolder 'THIRD-PARTY-NOTICES.txt') -Raw
        $notices | Should -Match 'DnsClient'
        $notices | Should -Match 'ZstdSharp'
        $notices | Should -Match 'MIT License'
        $notices | Should -Match 'BSD License'
        $notices | Should -Match 'Apache License'
        $notices | Should -Match 'Public Suffix List'
        $notices | Should -Match 'Mozilla Public License'
    }

    It 'ships no symbols or deps.json files (stack traces would show build paths)' {
        @(Get-ChildItem $ModuleFolder -Recurse -File | Where-Object { $_.Extension -eq '.pdb' -or $_.Name -like '*.deps.json' }) | Should -BeNullOrEmpty
    }

    It 'has a manifest that names its license, release notes and no "All rights reserved"' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModuleFolder 'AioHttp.psd1')
        $manifest.Copyright | Should -Not -Match 'All rights reserved'
        $manifest.Copyright | Should -Match 'MIT'
        $manifest.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        Test-ModuleManifest (Join-Path $ModuleFolder 'AioHttp.psd1') | Should -Not -BeNullOrEmpty
    }

    It 'ships its own assemblies precompiled (ReadyToRun), so a fresh pwsh does not JIT the request path; DnsClient and ZstdSharp as their authors built them' {
        Test-Precompiled (Join-Path $ModuleFolder 'AioHttp.dll') | Should -BeTrue -Because 'build.ps1 publishes the engine ReadyToRun (a build warning says when crossgen could not be had)'
        Test-Precompiled (Join-Path $ModuleFolder 'AioHttp.Commands.dll') | Should -BeTrue
        Test-Precompiled (Join-Path $ModuleFolder 'Dependencies/DnsClient.dll') | Should -BeFalse
        Test-Precompiled (Join-Path $ModuleFolder 'Dependencies/ZstdSharp.dll') | Should -BeFalse
    }

    It 'runs its cmdlets from that precompiled code in a fresh pwsh: not one AioHttp.Commands method is JIT-compiled by a request' {
        # Crossgen compiles the cmdlet classes only when it sees the real System.Management.Automation
        # (build.ps1 gives it the one running the build); the runtime's own list of what it compiled says
        # whether that code was taken. Tier-1 recompiles of hot methods are the runtime's choice, not a miss.
        if (-not (Test-Precompiled (Join-Path $ModuleFolder 'AioHttp.Commands.dll'))) { Set-ItResult -Skipped -Because 'this build has no ReadyToRun code (crossgen could not be had: build.ps1 warned)'; return }
        $list = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-jit-$([guid]::NewGuid().ToString('n')).txt"
        $saved = $env:DOTNET_JitStdOutFile, $env:DOTNET_JitDisasmSummary
        try {
            $env:DOTNET_JitStdOutFile = $list
            $env:DOTNET_JitDisasmSummary = '1'
            $pwsh = Get-PwshCommand
            $use = "Import-Module '$(Join-Path $ModuleFolder 'AioHttp.psd1')'; `$s = New-AioSession; 1..3 | ForEach-Object { '$($Server.http)/get?n=' + `$_ } | Invoke-AioRequest -Session `$s | ForEach-Object Status; (Invoke-AioRequest '$($Server.http)/get').Status; Close-AioSession `$s"
            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $use 2>&1
            $output | Should -Be @(200, 200, 200, 200)
        }
        finally {
            $env:DOTNET_JitStdOutFile, $env:DOTNET_JitDisasmSummary = $saved
        }
        $list | Should -Exist -Because 'the runtime writes what it JIT-compiles there'
        $compiled = Get-Content $list
        Remove-Item $list -ErrorAction SilentlyContinue
        $compiled | Where-Object { $_ -match 'JIT compiled .*\[(Instrumented )?Tier0' } | Should -Not -BeNullOrEmpty -Because 'the list names first compiles (PowerShell compiles its own script code), so an empty one proves nothing'
        # A first compile (Tier0, or FullOpts for a method with a loop) of one of ours means its precompiled code was missing or refused.
        @($compiled | Where-Object { $_ -match 'JIT compiled AioHttp\.Commands\.' -and $_ -match '\[(Instrumented )?Tier0|\[Tier-0|\[FullOpts' }) | Should -BeNullOrEmpty
    }

    It 'names its about topic about_AioHttp, cased as such' {
        Join-Path $ModuleFolder 'en-US' | Get-ChildItem -Filter 'about_*' | ForEach-Object Name | Should -Contain 'about_AioHttp.help.txt'
    }
}

Describe 'Packaging with PSResourceGet' {
    It 'publishes a .nupkg that Install-PSResource installs and a fresh pwsh imports by name and uses' {
        $work = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-pkgtest-$([guid]::NewGuid().ToString('n'))"
        try {
            $repo = Join-Path $work 'repo'
            $package = & (Join-Path $RepoRoot 'tools/Package.ps1') -ModulePath $ModuleFolder -Destination $repo
            $package | Should -Exist
            # The package holds the module files, the license and the notices, and no symbols.
            Add-Type -AssemblyName System.IO.Compression.FileSystem
            $zip = [IO.Compression.ZipFile]::OpenRead($package)
            try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
            $entries | Should -Contain 'AioHttp.psd1'
            $entries | Should -Contain 'LICENSE'
            $entries | Should -Contain 'Dependencies/DnsClient.dll'
            $entries | Should -Contain 'Dependencies/ZstdSharp.dll'
            @($entries | Where-Object { $_ -like '*.pdb' }) | Should -BeNullOrEmpty

            # A throw-away HOME: Install-PSResource's CurrentUser scope and its repository list live there.
            $home2 = Join-Path $work 'home'
            $null = New-Item -ItemType Directory -Force $home2
            $pwsh = Get-PwshCommand
            $install = "`$ErrorActionPreference = 'Stop'; Register-PSResourceRepository -Name local -Uri '$repo' -Trusted; " +
                "Install-PSResource -Name AioHttp -Repository local -Scope CurrentUser -TrustRepository -Quiet; " +
                "(Get-InstalledPSResource -Name AioHttp).InstalledLocation"
            $use = "`$ErrorActionPreference = 'Stop'; Import-Module AioHttp; `$m = Get-Module AioHttp; " +
                "`$r = Invoke-AioRequest '$($Server.http)/get?pkg=1'; '{0}|{1}|{2}' -f `$m.ModuleBase, `$r.Status, `$r.Json().args.pkg"
            $oldHome = $env:HOME
            try {
                $env:HOME = $home2
                $installed = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $install 2>&1
                $LASTEXITCODE | Should -Be 0 -Because ($installed | Out-String)
                $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $use 2>&1
                $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
            } finally { $env:HOME = $oldHome }
            $base, $status, $echo = ("$($output | Select-Object -Last 1)").Split('|')
            $base | Should -BeLike "$home2*"
            $status | Should -Be '200'
            $echo | Should -Be '1'
        } finally {
            Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
