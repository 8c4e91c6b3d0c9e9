<#
.SYNOPSIS
    Small-request throughput: AioHttp against Invoke-WebRequest, measured in the same run against the
    local test server. Prints requests per second and the ratios.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    [int] $Count = 1000
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$base = (Get-Content $ServerInfo -Raw | ConvertFrom-Json).http
$url = "$base/bytes/256"

function Measure-Rate([string] $Name, [scriptblock] $Run) {
    & $Run 20 | Out-Null   # warm-up: JIT, connection pool
    [GC]::Collect()
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $n = & $Run $Count
    $sw.Stop()
    if ($n -ne $Count) { throw "$Name completed $n of $Count requests." }
    $rate = $Count / $sw.Elapsed.TotalSeconds
    '{0,-44} {1,8:0} req/s ({2:0.00} s)' -f $Name, $rate, $sw.Elapsed.TotalSeconds | Write-Host
    $rate
}

Write-Host "$Count GET requests of 256 bytes each to $url"
$iwr = Measure-Rate 'Invoke-WebRequest, one after another' {
    param($n) $ok = 0; for ($i = 0; $i -lt $n; $i++) { if ((Invoke-WebRequest $url).StatusCode -eq 200) { $ok++ } }; $ok
}
$seq = Measure-Rate 'Invoke-AioRequest, one after another' {
    param($n) $ok = 0; for ($i = 0; $i -lt $n; $i++) { if ((Invoke-AioRequest $url).Status -eq 200) { $ok++ } }; $ok
}
$session = New-AioSession
try {
    $par = Measure-Rate 'Invoke-AioRequest pipeline, -ThrottleLimit 16' {
        param($n) @(1..$n | ForEach-Object { $url } | Invoke-AioRequest -Session $session -ThrottleLimit 16 | Where-Object Status -EQ 200).Count
    }
}
finally { Close-AioSession $session }

'ratio AioHttp sequential / Invoke-WebRequest: {0:0.00}x' -f ($seq / $iwr) | Write-Host
'ratio AioHttp pipeline   / Invoke-WebRequest: {0:0.00}x' -f ($par / $iwr) | Write-Host
