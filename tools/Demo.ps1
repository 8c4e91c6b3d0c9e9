<#
.SYNOPSIS
    A short tour of AioHttp against the bundled local test server (run by ./build.ps1 -Task Demo).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $BaseUrl
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Show([string] $Title) { Write-Host "`n--- $Title" -ForegroundColor Cyan }

Show 'A GET, read as JSON (aiohttp: session.get(url) / await resp.json())'
$r = Invoke-AioRequest "$BaseUrl/get" -Query @{ key1 = 'value1'; key2 = 'value2' }
"{0} {1}  ->  {2}" -f $r.Status, $r.Reason, $r.Url
$r.Json().args | Format-List | Out-String | Write-Host

Show 'The body converts straight into ConvertFrom-Json, in any charset'
(Invoke-AioRequest "$BaseUrl/json-nocharset" | ConvertFrom-Json).greeting

Show 'POST JSON (aiohttp: json={...})'
(Invoke-AioRequest "$BaseUrl/post" -Method POST -Json @{ test = 'object'; nested = @{ deep = @(1, 2, 3) } }).Json().json | ConvertTo-Json -Compress

Show 'A form (aiohttp: data={...})'
(Invoke-AioRequest "$BaseUrl/post" -Method POST -Body @{ key1 = 'value1' }).Json().form | ConvertTo-Json -Compress

Show 'A session: base URL, default headers, pooled connections'
$session = New-AioSession -BaseUrl "$BaseUrl/" -Headers @{ Authorization = 'Basic bG9naW46cGFzcw==' }
try {
    (Invoke-AioRequest headers -Session $session).Json().headers.Authorization
    Show 'Many requests in flight from one pipeline (-ThrottleLimit), results in input order'
    $sw = [Diagnostics.Stopwatch]::StartNew()
    1..8 | ForEach-Object { "delay/0.5?n=$_" } | Invoke-AioRequest -Session $session -ThrottleLimit 8 |
        ForEach-Object { $_.Json().args.n } | Join-String -Separator ' '
    'eight 0.5 s requests took {0:0.0} s' -f $sw.Elapsed.TotalSeconds
    'pool: {0} connections open, {1} in use' -f $session.OpenConnections, $session.InUse
}
finally {
    Close-AioSession $session
}

Show 'Redirects keep their history'
$r = Invoke-AioRequest "$BaseUrl/redirect/3"
$r.History | ForEach-Object { "{0} {1}" -f $_.Status, $_.Url }
"final: {0} {1}" -f $r.Status, $r.Url

Show 'Streaming a response line by line (aiohttp: resp.content.readline())'
$r = Invoke-AioRequest "$BaseUrl/stream/3" -Stream
try { while ($null -ne ($line = $r.Content.ReadLine())) { $line } } finally { $r.Close() }

Show 'Errors are aiohttp errors'
try { Invoke-AioRequest "$BaseUrl/status/418" -ErrorAction Stop } catch [AioHttp.ClientResponseException] { "{0}: {1}" -f $_.FullyQualifiedErrorId, $_.Exception.Message }
try { Invoke-AioRequest "$BaseUrl/delay/5" -Timeout 0.5 -ErrorAction Stop } catch [AioHttp.ServerTimeoutException] { "{0}: {1}" -f $_.FullyQualifiedErrorId, $_.Exception.Message }

Show 'Decoded text in other code pages (aiohttp: resp.text(encoding=...))'
(Invoke-AioRequest "$BaseUrl/charset-none/windows-1251").Text('windows-1251')
Write-Host "`nDemo finished." -ForegroundColor Green
