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
Show 'Download to a file (-OutFile streams it, with a progress bar)'
$file = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-demo-$PID.bin"
Invoke-AioRequest "$BaseUrl/bytes/1048576?seed=7" -OutFile $file
'{0} bytes saved' -f (Get-Item $file).Length

Show 'Upload it as a multipart form (aiohttp: FormData / add_field)'
$form = New-AioFormData
Add-AioFormField -FormData $form -Name report -Path $file -FileName 'report.bin' -ContentType 'application/octet-stream'
Add-AioFormField -FormData $form -Name note -Value 'quarterly'
(Invoke-AioRequest "$BaseUrl/multipart" -Method POST -Body $form).Json().parts | ForEach-Object { '{0}: {1} bytes ({2})' -f $_.name, $_.size, $_.contentType }
Remove-Item $file

Show 'A WebSocket: send, receive, close (aiohttp: ws_connect / send_str / receive)'
$ws = Connect-AioWebSocket (($BaseUrl -replace '^http', 'ws') + '/ws/echo')
Send-AioWebSocket -WebSocket $ws -Text 'hello over a websocket'
(Receive-AioWebSocket -WebSocket $ws -Count 1 -Timeout 5).Data
Disconnect-AioWebSocket -WebSocket $ws
'closed: {0} (code {1})' -f $ws.Closed, $ws.CloseCode

Write-Host "`nDemo finished." -ForegroundColor Green
