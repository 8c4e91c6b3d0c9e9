#Requires -Version 7.0
# Every example of every help page runs, as a user would paste it, against the test server: the
# example's own server address (http://localhost:8080 and its kin) is swapped for the test server's,
# each runs alone in a fresh runspace with only the module imported (so it must be self-contained),
# in an empty folder, and must finish without an error and print what its text promises.

BeforeDiscovery {
    $helpFolder = Join-Path $PSScriptRoot '../../docs/help'
    $script:Examples = foreach ($page in Get-ChildItem $helpFolder -Filter '*.md' | Where-Object Name -NotLike 'about_*') {
        $lines = Get-Content $page.FullName
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^### (Example \d+: .*)$') { continue }
            $title = $Matches[1]
            $start = $i + 1
            while ($start -lt $lines.Count -and $lines[$start] -notmatch '^```powershell') { $start++ }
            $end = $start + 1
            while ($end -lt $lines.Count -and $lines[$end] -ne '```') { $end++ }
            @{ Page = $page.BaseName; Title = $title; Code = ($lines[($start + 1)..($end - 1)] -join "`n") }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:modulePath = (Get-Module AioHttp).Path
    $http = [uri]$srv.http
    $byName = { param($url) $url -replace '127\.0\.0\.1', 'localhost' }
    # The addresses the examples use for "your server" and their peers, and the test run's own.
    # localhost stays localhost (a strict cookie jar refuses cookies from an IP address).
    $script:Swaps = [ordered]@{
        'https://127.0.0.1:8443' = $srv.https
        'http://127.0.0.1:8081'  = $srv.http2
        'http://localhost:8080'  = & $byName $srv.http
        'http://127.0.0.1:8080'  = $srv.http
        'ws://localhost:8080'    = (& $byName $srv.http) -replace '^http', 'ws'
        'app.internal.test:8080' = "app.internal.test:$($http.Port)"
        '$port = 8080'           = "`$port = $($http.Port)"
        '/run/myapp/http.sock'   = $srv.unix
        './ca.pem'               = $srv.tls.caFile
        './client.pem'           = $srv.tls.clientCert
        './client.key'           = $srv.tls.clientKey
    }
    # Peers some examples talk to, started once: tinyproxy (open, and asking for the example's
    # proxyuser/proxy-password), microsocks for the example's socks5://127.0.0.1:1080, and dnsmasq
    # answering the example's app.internal.test.
    $script:peers = @{}
    if (Get-Command tinyproxy -CommandType Application -ErrorAction SilentlyContinue) {
        $peers.OpenProxy = Start-Tinyproxy 'help-open'
        $peers.AuthProxy = Start-Tinyproxy 'help-auth' 'proxyuser proxy-password'
    }
    $peers.Socks = Start-Microsocks 'help'
    $peers.Dns = Start-Dnsmasq -Domain 'internal.test'

    # Why an example cannot run here, or $null when it can.
    function script:Get-MissingPeer([string] $Code) {
        if ($Code -match '127\.0\.0\.1:8888' -and -not $peers.OpenProxy) { return 'tinyproxy is not installed (apt-get install tinyproxy)' }
        if ($Code -match '127\.0\.0\.1:1080' -and -not $peers.Socks) { return 'microsocks is not installed (apt-get install microsocks)' }
        if ($Code -match '-NameServer' -and -not $peers.Dns) { return 'dnsmasq is not installed (apt-get install dnsmasq)' }
        if ($Code -match '(?m)^\s*curl ' -and -not (Get-Command curl -CommandType Application -ErrorAction SilentlyContinue)) { return 'curl is not installed' }
        $null
    }

    function script:Invoke-Example([string] $Code) {
        $replace = [ordered]@{}
        foreach ($swap in $Swaps.GetEnumerator()) { $replace[$swap.Key] = $swap.Value }
        # A client certificate is checked by the endpoint that asks for one; otherwise the plain https one.
        $replace['https://localhost:8443'] = & { if ($Code -match '-ClientCertificate') { $srv.tls.clientAuth } else { $srv.https } } | ForEach-Object { $_ -replace '127\.0\.0\.1', 'localhost' }
        $replace['wss://localhost:8443'] = $replace['https://localhost:8443'] -replace '^https', 'wss'
        if ($peers.OpenProxy) { $replace['http://127.0.0.1:8888'] = if ($Code -match 'ProxyCredential') { $peers.AuthProxy.Url } else { $peers.OpenProxy.Url } }
        if ($peers.Socks) { $replace['socks5://127.0.0.1:1080'] = $peers.Socks.Url }
        if ($peers.Dns) { $replace['127.0.0.1:5353'] = $peers.Dns.Server }
        foreach ($swap in $replace.GetEnumerator()) { $Code = $Code.Replace($swap.Key, $swap.Value) }
        $folder = New-TestFolder
        # An example may set proxy variables (they are process-wide): put them back afterwards.
        $savedEnvironment = Save-ProxyEnvironment
        $savedModulePath = $env:PSModulePath
        # Examples import the module by name where a new runspace needs it (ForEach-Object -Parallel).
        $env:PSModulePath = (Split-Path (Split-Path $modulePath)) + [IO.Path]::PathSeparator + $env:PSModulePath
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$modulePath'; Set-Location '$folder'; `$ProgressPreference = 'SilentlyContinue'").AddStatement().AddScript($Code)
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60))) {
                $ps.Stop()
                throw "The example did not finish within 60 s."
            }
            $output = $ps.EndInvoke($async)
            [pscustomobject]@{
                Output = @($output)
                Errors = @($ps.Streams.Error)
                # What a user sees: the output, and the verbose, debug, warning and information lines.
                Text   = (@($output) + @($ps.Streams.Verbose) + @($ps.Streams.Debug) + @($ps.Streams.Warning) + @($ps.Streams.Information) | Out-String -Width 120)
            }
        }
        finally {
            $ps.Dispose()
            $env:PSModulePath = $savedModulePath
            Restore-ProxyEnvironment $savedEnvironment
        }
    }
}

AfterAll {
    foreach ($peer in $peers.Values) { Stop-Peer $peer }
}

Describe 'Help examples run' {
    It '<Page> <Title>' -ForEach $Examples {
        $missing = Get-MissingPeer $Code
        if ($missing) { Set-ItResult -Skipped -Because $missing; return }
        $result = Invoke-Example $Code
        $result.Errors | ForEach-Object { "$_" } | Should -BeNullOrEmpty -Because "the example should run without errors"
        $result.Text.Trim() | Should -Not -BeNullOrEmpty -Because 'an example shows what it does'
    }
}
