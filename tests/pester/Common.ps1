# Shared set-up for the Pester tests, dot-sourced by every test file in BeforeAll: imports the built
# module, finds the test server that build.ps1 started (or starts one through
# tests/TestServerControl.psm1 when a test file is run on its own), and holds every helper more than
# one test file uses; a helper one file alone needs stays in that file.
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

if (-not (Get-Module AioHttp)) {
    $modulePath = if ($env:AIOHTTP_MODULE) { $env:AIOHTTP_MODULE } else { Join-Path $script:RepoRoot 'out/AioHttp/AioHttp.psd1' }
    Import-Module $modulePath
}

function Get-TestServer {
    # Returns the server's addresses: http, http2 (a second origin) and raw (misbehaving responses).
    if (-not $env:AIOHTTP_TESTSERVER -or -not (Test-Path $env:AIOHTTP_TESTSERVER)) {
        # Run on its own (not through build.ps1): start a server for this process the way build.ps1
        # does; it stops when this process ends.
        Import-Module (Join-Path $script:RepoRoot 'tests/TestServerControl.psm1')
        $dll = Join-Path $script:RepoRoot 'out/testserver/TestServer.dll'
        if (-not (Test-Path $dll)) { $dll = Build-TestServer -OutputPath (Split-Path $dll) }
        $env:AIOHTTP_TESTSERVER = (Start-TestServer $dll).ReadyFile
    }
    Get-Content $env:AIOHTTP_TESTSERVER -Raw | ConvertFrom-Json
}

function New-RawScript {
    # Registers a byte-exact script on the test server's scripted raw listener and returns its URL.
    # -Connections: one array of steps per connection (the last one repeats), each step a hashtable:
    #   @{ send = "HTTP/1.1 200 OK`r`n..." } (Latin-1 text), @{ sendBase64 = '...' }, @{ drip = '...'; intervalMs = 200 },
    #   @{ sleepMs = 500 }, @{ readRequest = $true }, @{ readMs = 300 }, @{ waitClose = 5000 }, @{ close = $true }, @{ reset = $true },
    #   @{ wsAccept = $true; headers = "Name: value`r`n" } (a websocket 101 with the right Sec-WebSocket-Accept for the key received).
    # A single connection's steps may be given as -Steps. The first request on each connection is read before the steps run.
    param([object[]] $Connections, [object[]] $Steps, [string] $Suffix = '')
    if ($Steps) { $Connections = @(, $Steps) }
    $server = Get-TestServer
    $json = ConvertTo-Json -InputObject @{ connections = @($Connections | ForEach-Object { , @($_) }) } -Depth 10 -Compress
    $answer = Invoke-RestMethod -Method Post -Uri "$($server.http)/raw/scripts" -Body $json -ContentType 'application/json'
    [pscustomobject]@{
        Id  = $answer.id
        Url = "$($server.scripted)$($answer.path)$Suffix"
        Base = $server.scripted
    }
}

function Get-RawReceived {
    # The bytes the scripted listener received for a script, one Latin-1 string per connection (oldest first).
    param([Parameter(Mandatory)] $Script, [switch] $AsBytes)
    $id = if ($Script -is [string]) { $Script } else { $Script.Id }
    $server = Get-TestServer
    $answer = Invoke-RestMethod -Uri "$($server.http)/raw/scripts/$id/received"
    foreach ($b64 in @($answer.connections)) {
        $bytes = [Convert]::FromBase64String($b64)
        if ($AsBytes) { , $bytes } else { [Text.Encoding]::Latin1.GetString($bytes) }
    }
}

function Get-Recorded {
    # The request heads the test server recorded under $Path (requests whose decoded path starts with
    # it), oldest first; nothing when there are none. Read with PowerShell's own client, so a bug in
    # AioHttp cannot hide itself. -Last: only the newest, and an error when there is none.
    param([Parameter(Mandatory)] [string] $Path, [switch] $Last)
    $server = Get-TestServer
    $query = "path=$([uri]::EscapeDataString($Path))"
    if ($Last) { return Invoke-RestMethod -Uri "$($server.http)/requests/last?$query" }
    # Invoke-RestMethod writes a JSON array as one object: enumerate it, so no request is no output.
    $all = Invoke-RestMethod -Uri "$($server.http)/requests/recent?$query"
    foreach ($entry in $all) { $entry }
}

# The test server's /concurrency endpoint counts the requests it has in flight. Reset-Concurrency
# starts a new maximum; Get-MaxConcurrency gives the most at once since then, or, given a script,
# resets, runs it and gives the most at once while it ran. Read with PowerShell's own client.
function Reset-Concurrency { $null = Invoke-RestMethod "$((Get-TestServer).http)/concurrency/reset" }
function Get-CurrentConcurrency { (Invoke-RestMethod "$((Get-TestServer).http)/concurrency/stats").current }
function Get-MaxConcurrency {
    param([scriptblock] $Run)
    if ($Run) {
        Reset-Concurrency
        $null = & $Run
    }
    (Invoke-RestMethod "$((Get-TestServer).http)/concurrency/stats").max
}

function Get-Sha256Hex {
    # The SHA-256 of bytes or of a file, as lower-case hex (the form the test server reports).
    [CmdletBinding(DefaultParameterSetName = 'Bytes')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Bytes')] [AllowEmptyCollection()] [byte[]] $Bytes,
        [Parameter(Mandatory, ParameterSetName = 'Path')] [string] $Path
    )
    if ($PSCmdlet.ParameterSetName -eq 'Path') { return (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant() }
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

function New-TestCredential([string] $User = 'alice', [string] $Password = 's3cret') {
    [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
}

function Invoke-Failing {
    # Runs commands that should (partly) fail, with their errors collected rather than thrown: the
    # output, the error records and how long it took. A request given by -Uri fails terminating (as
    # Invoke-WebRequest's do), pipeline input non-terminating; both kinds of record are collected.
    param([Parameter(Mandatory)] [scriptblock] $Command)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $all = & { $ErrorActionPreference = 'Continue'; try { & $Command } catch { $_ } } 2>&1
    $watch.Stop()
    [pscustomobject]@{
        Output  = @($all | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] })
        Errors  = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        Seconds = $watch.Elapsed.TotalSeconds
    }
}

function Wait-Until {
    # Polls $Condition until it holds; an error naming $What when it still does not after $Seconds.
    # For state that settles on its own (a peer starting, connections being given back), never for
    # time itself: a test about expiry moves a clock instead.
    param([Parameter(Mandatory)] [scriptblock] $Condition, [Parameter(Mandatory)] [string] $What, [double] $Seconds = 15)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 50
    }
}

function Get-RedirectUrl {
    # A URL on -From (the test server's http origin by default) that answers -Status with Location: $Target.
    param([Parameter(Mandatory)] [string] $Target, [int] $Status = 302, [string] $From = (Get-TestServer).http)
    "$From/redirect-to?url=$([uri]::EscapeDataString($Target))&status_code=$Status"
}

function Get-ByName([string] $Url) {
    # The same URL with the host 127.0.0.1 named localhost: a strict jar keeps cookies from a host
    # name (not from an IP address), and the test CA's certificates name localhost.
    $Url -replace '127\.0\.0\.1', 'localhost'
}

function New-CookieFile {
    # Writes a cookies.txt file (lines joined with LF) in the test drive; returns its path.
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [AllowEmptyString()] [string[]] $Lines)
    $path = Join-Path $TestDrive $Name
    [IO.File]::WriteAllText($path, (($Lines -join "`n") + "`n"))
    $path
}

function Get-FreeTcpPort {
    # A loopback TCP port nobody listens on (for a peer to take, or to be refused on).
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-FreeUdpPort {
    # A loopback UDP port nobody listens on (for dnsmasq).
    $udp = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
    try { $udp.Client.LocalEndPoint.Port } finally { $udp.Dispose() }
}

function Start-Dnsmasq {
    # Debian's dnsmasq on a free loopback port, answering 127.0.0.1 for every name under $Domain and
    # logging the queries it gets; $null when dnsmasq is not installed. Returns Process, Port,
    # Server (for -NameServer) and Log; stop it with Stop-Peer.
    param([Parameter(Mandatory)] [string] $Domain)
    $dnsmasq = Get-Command dnsmasq -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $dnsmasq -and (Test-Path /usr/sbin/dnsmasq)) { $dnsmasq = Get-Command /usr/sbin/dnsmasq }
    if (-not $dnsmasq) { return $null }
    # dnsmasq listens on the port over UDP and TCP; a port free for UDP can be taken on TCP (or by another
    # test run) before dnsmasq binds it, so a bind failure is retried on another port.
    for ($attempt = 1; ; $attempt++) {
        $port = Get-FreeUdpPort
        $log = Join-Path $TestDrive "dnsmasq-$Domain-$port.log"
        $process = Start-Process $dnsmasq.Source -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ArgumentList @(
            '-k', "--port=$port", '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
            "--address=/$Domain/127.0.0.1", "--pid-file=$(Join-Path $TestDrive "dnsmasq-$Domain-$port.pid")", '--log-queries', "--log-facility=$log")
        Wait-Until { (Test-Path $log) -and (Select-String -Path $log -Pattern 'started' -Quiet) -or $process.HasExited } "dnsmasq on port $port"
        if (-not $process.HasExited) { break }
        $why = Get-Content "$log.err" -Raw
        if ($attempt -ge 5 -or $why -notmatch 'Address already in use') { throw "dnsmasq exited: $why" }
    }
    [pscustomobject]@{ Process = $process; Port = $port; Server = "127.0.0.1:$port"; Log = $log }
}

function Test-TcpPort([int] $Port) {
    $c = [Net.Sockets.TcpClient]::new()
    try { $c.Connect('127.0.0.1', $Port); $true } catch { $false } finally { $c.Dispose() }
}

function Start-Tinyproxy([string] $Name, [string] $BasicAuth) {
    # Debian's tinyproxy on a free loopback port (with Basic auth "user:password" when given), logging
    # to a file; returns Process, Port, Url and Log; stop it with Stop-Peer.
    $port = Get-FreeTcpPort
    $log = Join-Path $TestDrive "tinyproxy-$Name.log"
    $conf = Join-Path $TestDrive "tinyproxy-$Name.conf"
    @(
        "Port $port"
        'Listen 127.0.0.1'
        'Allow 127.0.0.1'
        'Timeout 60'
        'MaxClients 50'
        "LogFile `"$log`""
        'LogLevel Info'
        if ($BasicAuth) { "BasicAuth $BasicAuth" }
    ) | Set-Content $conf
    $process = Start-Process tinyproxy -ArgumentList '-d', '-c', $conf -PassThru `
        -RedirectStandardOutput "$conf.out" -RedirectStandardError "$conf.err"
    Wait-Until { (Test-TcpPort $port) -or $process.HasExited } "tinyproxy ($Name) on port $port"
    if ($process.HasExited) { throw "tinyproxy ($Name) exited: $(Get-Content "$conf.err" -Raw)" }
    [pscustomobject]@{ Process = $process; Port = $port; Url = "http://127.0.0.1:$port"; Log = $log }
}

function Start-Microsocks([string] $Name, [string] $User, [string] $Password) {
    # Debian's microsocks (a SOCKS5 server) on a free loopback port, asking for $User/$Password when
    # given; it logs each tunnel ("client[n] 127.0.0.1: connected to host:port") to stderr, kept in Log.
    # Returns Process, Port, Url (socks5://127.0.0.1:port) and Log, or $null when microsocks is not
    # installed (tests then skip); stop it with Stop-Peer.
    if (-not (Get-Command microsocks -CommandType Application -ErrorAction SilentlyContinue)) { return $null }
    $port = Get-FreeTcpPort
    $log = Join-Path $TestDrive "microsocks-$Name.log"
    $arguments = @('-i', '127.0.0.1', '-p', $port) + $(if ($User) { '-u', $User, '-P', $Password })
    $process = Start-Process microsocks -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput "$log.out" -RedirectStandardError $log
    Wait-Until { (Test-TcpPort $port) -or $process.HasExited } "microsocks ($Name) on port $port"
    if ($process.HasExited) { throw "microsocks ($Name) exited: $(Get-Content $log -Raw)" }
    [pscustomobject]@{ Process = $process; Port = $port; Url = "socks5://127.0.0.1:$port"; Log = $log }
}

# The proxy variables a test may set, saved and put back exactly: an unset variable is removed again
# (passing $null to [Environment]::SetEnvironmentVariable from PowerShell sets it to '' instead, which
# a later test would still see).
$script:ProxyVariableNames = 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'

function Save-ProxyEnvironment {
    $saved = @{}
    foreach ($name in $ProxyVariableNames) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $saved
}

function Restore-ProxyEnvironment([hashtable] $Saved = @{}) {
    # With no argument: every proxy variable removed.
    foreach ($name in $ProxyVariableNames) {
        if ([string]::IsNullOrEmpty($Saved[$name])) { Remove-Item "env:$name" -ErrorAction SilentlyContinue }
        else { Set-Item "env:$name" $Saved[$name] }
    }
}

function Stop-Peer($Peer) {
    # Stops a peer process a test started (dnsmasq, tinyproxy, microsocks); $null is fine.
    if ($Peer -and -not $Peer.Process.HasExited) { $Peer.Process.Kill(); $null = $Peer.Process.WaitForExit(5000) }
}

function Get-PwshCommand {
    # The command line of a child PowerShell like this one (pwsh, or 'dotnet pwsh.dll' under 'dotnet tool exec').
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    @($process)
}

function Invoke-WithProgress {
    # Runs a script in a runspace of its own with the module imported and $ProgressPreference set;
    # returns its output, its progress records and (with -AllowErrors; else they throw) its errors.
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] [string] $Preference, [switch] $AllowErrors)
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; `$ProgressPreference = '$Preference'; $Script")
        $output = $ps.Invoke()
        if ($ps.HadErrors -and -not $AllowErrors) { throw "The script failed: $($ps.Streams.Error | Out-String)" }
        [pscustomobject]@{ Output = @($output); Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error) }
    } finally { $ps.Dispose() }
}

function New-TestFolder {
    # A fresh folder under Pester's $TestDrive (one per call, so tests never share files).
    (New-Item -ItemType Directory (Join-Path $TestDrive ([guid]::NewGuid().ToString('n')))).FullName
}
