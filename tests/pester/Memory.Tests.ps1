#Requires -Version 7.0
# What a kept response costs: a buffered response of a small body holds its headers and its body,
# not the buffer it was read through nor the exchange that brought it (issue 11: at most 2 KB plus
# the body; it used to be about 70 KB, a 64 KB read buffer per response). Measured in a child pwsh,
# so nothing this session holds is counted, with [GC]::GetTotalMemory over 2,000 kept responses after
# a warm-up; the bound (8 KB a response) is generous, so a busy machine cannot fail it, yet it fails
# any per-response buffer of the old size.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:base = (Get-TestServer).http

    $script:kept = 2000
    $module = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
    $scriptFile = Join-Path $TestDrive 'kept.ps1'
    Set-Content $scriptFile @'
param([string] $Module, [string] $Base, [int] $Kept)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
function Measure-Kept([string] $Url) {
    # The warm-up fills what the module, the connection pool and the buffer pool keep anyway.
    $null = 1..200 | ForEach-Object { "$($Url)?w=$_" } | Invoke-AioRequest -ThrottleLimit 16
    $urls = 1..$Kept | ForEach-Object { "$($Url)?n=$_" }
    $before = [GC]::GetTotalMemory($true)
    $responses = $urls | Invoke-AioRequest -ThrottleLimit 16
    $after = [GC]::GetTotalMemory($true)
    $good = @($responses | Where-Object { $_.Status -eq 200 -and $_.IsBuffered -and $_.Read().Length -eq 53 }).Count
    if ($good -ne $Kept) { throw "$good of $Kept responses of $Url were buffered 53-byte bodies" }
    [math]::Round(($after - $before) / $Kept)
}
'{0} {1}' -f (Measure-Kept "$Base/bytes/53"), (Measure-Kept "$Base/stream-bytes/53")
'@
    $pwsh = Get-PwshCommand
    $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $scriptFile, '-Module', $module, '-Base', $base, '-Kept', $kept)
    $script:output = & $pwsh[0] @arguments 2>&1 | Select-Object -Last 1
    $script:exitCode = $LASTEXITCODE
    $script:withLength, $script:chunked = "$output" -split ' '
}

Describe 'A kept buffered response costs little memory' {
    It 'keeps under 8 KB per response of a 53-byte body with a Content-Length' {
        $exitCode | Should -Be 0 -Because "the child said: $output"
        [long]$withLength | Should -BeLessThan 8KB
    }

    It 'keeps under 8 KB per response of a 53-byte chunked body (length unknown in advance)' {
        $exitCode | Should -Be 0 -Because "the child said: $output"
        [long]$chunked | Should -BeLessThan 8KB
    }
}
