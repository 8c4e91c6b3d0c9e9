# SOCKS and HTTPS proxies, ALL_PROXY, the default session's proxies from the environment and
# -NoProxy. The SOCKS5 server is Debian's microsocks (started here on a free loopback port, skipped
# with the reason shown when it is absent); SOCKS4 and 4a are spoken by a small peer in this file,
# since microsocks speaks only SOCKS5. Each test checks from the proxy's side (its log) where the
# traffic went.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:httpPort = ([uri]$srv.http).Port
    $script:httpsPort = ([uri]$srv.https).Port

    function New-Marker { "m$([guid]::NewGuid().ToString('n').Substring(0, 12))" }

    # The tunnels microsocks opened to 127.0.0.1:$Port ("client[n] 127.0.0.1: connected to 127.0.0.1:port").
    function Get-SocksTunnels($Socks, [int] $Port, [string] $Target = '127.0.0.1') {
        @(Get-Content $Socks.Log -ErrorAction SilentlyContinue | Where-Object { $_ -like "*connected to ${Target}:$Port" }).Count
    }

    # The lines tinyproxy logged containing $Text.
    function Get-ProxyLog($Proxy, [string] $Text) {
        @(Get-Content $Proxy.Log -ErrorAction SilentlyContinue | Where-Object { $_ -like "*$Text*" })
    }

    # A SOCKS4/4a server in a background runspace: it grants every request, logs what the client asked
    # for (version, address, port, user id, host name for 4a, and the HTTP request line that followed)
    # and answers with a fixed HTTP response, so the test sees exactly what was sent to the proxy.
    function Start-Socks4Peer {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $log = Join-Path $TestDrive "socks4-$([guid]::NewGuid().ToString('n')).log"
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($listener, $log)
            while ($true) {
                $client = $listener.AcceptTcpClient() # ends the loop with an error when the listener stops
                try {
                    $stream = $client.GetStream()
                    $stream.ReadTimeout = 10000
                    $head = [byte[]]::new(8)
                    for ($n = 0; $n -lt 8) { $r = $stream.Read($head, $n, 8 - $n); if ($r -le 0) { throw 'closed' }; $n += $r }
                    $readZ = { $text = [Text.StringBuilder]::new(); while (($b = $stream.ReadByte()) -gt 0) { $null = $text.Append([char]$b) }; $text.ToString() }
                    $user = & $readZ
                    $address = [Net.IPAddress]::new([byte[]]$head[4..7])
                    # SOCKS4a: an address 0.0.0.x (x not 0) means the host name follows the user id.
                    $name = if ($head[4] -eq 0 -and $head[5] -eq 0 -and $head[6] -eq 0 -and $head[7] -ne 0) { & $readZ } else { '' }
                    $stream.Write([byte[]](0, 0x5A, 0, 0, 0, 0, 0, 0), 0, 8)
                    $request = [Text.StringBuilder]::new()
                    while (-not $request.ToString().EndsWith("`r`n`r`n")) { $b = $stream.ReadByte(); if ($b -lt 0) { break }; $null = $request.Append([char]$b) }
                    $line = ($request.ToString() -split "`r`n")[0]
                    Add-Content $log "version=$($head[0]) address=$address port=$($head[2] * 256 + $head[3]) user=$user host=$name request=$line"
                    $body = 'through socks4'
                    $answer = [Text.Encoding]::ASCII.GetBytes("HTTP/1.1 200 OK`r`nContent-Type: text/plain`r`nContent-Length: $($body.Length)`r`nConnection: close`r`n`r`n$body")
                    $stream.Write($answer, 0, $answer.Length)
                }
                catch { Add-Content $log "error: $_" }
                finally { $client.Dispose() }
            }
        }).AddArgument($listener).AddArgument($log)
        $null = $ps.BeginInvoke()
        [pscustomobject]@{ Listener = $listener; PowerShell = $ps; Port = $listener.LocalEndpoint.Port; Log = $log }
    }

    # An https:// proxy: TLS (a throwaway self-signed certificate) in front of tinyproxy, each
    # connection's bytes copied both ways after the handshake, so tinyproxy's log shows what the
    # client asked the proxy for inside the TLS.
    function Start-TlsProxy($Backend) {
        $key = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=localhost', $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $selfSigned = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
        # SslStream needs the key with the certificate in a form the platform can use: round-trip through PKCS#12.
        $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($selfSigned.Export('Pfx'), $null)
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($listener, $certificate, $backendPort)
            while ($true) {
                $client = $listener.AcceptTcpClient() # ends the loop with an error when the listener stops
                try {
                    $tls = [Net.Security.SslStream]::new($client.GetStream())
                    $tls.AuthenticateAsServer($certificate)
                    $backend = [Net.Sockets.TcpClient]::new('127.0.0.1', $backendPort)
                    $plain = $backend.GetStream()
                    # Left open until the listener's process ends: a test peer, and the client closes its side.
                    $null = $tls.CopyToAsync($plain)
                    $null = $plain.CopyToAsync($tls)
                }
                catch { $client.Dispose() }
            }
        }).AddArgument($listener).AddArgument($certificate).AddArgument($Backend.Port)
        $null = $ps.BeginInvoke()
        [pscustomobject]@{ Listener = $listener; PowerShell = $ps; Port = $listener.LocalEndpoint.Port; Url = "https://127.0.0.1:$($listener.LocalEndpoint.Port)" }
    }

    $script:socks = Start-Microsocks 'open'
    $script:authSocks = Start-Microsocks 'auth' 'sockuser' 's0cks-pass'
    $script:socks4 = Start-Socks4Peer
    $script:tinyproxy = if (Get-Command tinyproxy -CommandType Application -ErrorAction SilentlyContinue) { Start-Tinyproxy 'proxies' }
    $script:tlsProxy = if ($tinyproxy) { Start-TlsProxy $tinyproxy }
}

AfterAll {
    Stop-Peer $socks
    Stop-Peer $authSocks
    Stop-Peer $tinyproxy
    foreach ($peer in $socks4, $tlsProxy) { if ($peer) { $peer.Listener.Stop(); $peer.PowerShell.Dispose() } }
}

Describe 'A SOCKS5 proxy (-Proxy socks5://, against microsocks)' {
    BeforeEach {
        if (-not $socks) { Set-ItResult -Skipped -Because 'microsocks is not installed (apt-get install microsocks)' }
    }

    It 'carries http and https requests of a session through the proxy' {
        $beforeHttp = Get-SocksTunnels $socks $httpPort
        $beforeHttps = Get-SocksTunnels $socks $httpsPort
        $s = New-AioSession -Proxy $socks.Url -SkipCertificateCheck
        try {
            $s.Proxy | Should -Be "$($socks.Url)/"
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be ($beforeHttp + 1)
            Get-SocksTunnels $socks $httpsPort | Should -Be ($beforeHttps + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'hands the host name to the proxy to resolve' {
        $s = New-AioSession -Proxy $socks.Url
        try {
            (Invoke-AioRequest "http://localhost:$httpPort/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort 'localhost' | Should -BeGreaterThan 0 -Because 'SOCKS5 sends the name, not an address'
        }
        finally { Close-AioSession $s }
    }

    It 'takes a socks5 proxy per request with -Proxy, the session''s other requests going direct' {
        $before = Get-SocksTunnels $socks $httpPort
        $s = New-AioSession
        try {
            (Invoke-AioRequest "$($srv.http)/get" -Session $s -Proxy $socks.Url).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be ($before + 1)
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'opens a websocket through the proxy' {
        $before = Get-SocksTunnels $socks $httpPort
        $s = New-AioSession -Proxy $socks.Url
        try {
            $ws = Connect-AioWebSocket "$($srv.http -replace '^http', 'ws')/ws/echo" -Session $s
            Send-AioWebSocket -WebSocket $ws -Text 'through socks'
            (Receive-AioWebSocket -WebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'through socks'
            Disconnect-AioWebSocket -WebSocket $ws
            Get-SocksTunnels $socks $httpPort | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }
}

Describe 'A SOCKS5 proxy asking for a user name and password (against microsocks -u -P)' {
    BeforeEach {
        if (-not $authSocks) { Set-ItResult -Skipped -Because 'microsocks is not installed (apt-get install microsocks)' }
    }

    It 'authenticates with the user and password in the proxy URL, and never shows the password' {
        $before = Get-SocksTunnels $authSocks $httpPort
        $s = New-AioSession -Proxy ($authSocks.Url -replace '//', '//sockuser:s0cks-pass@')
        try {
            $s.Proxy | Should -Not -Match 's0cks-pass'
            ($s | Format-List * | Out-String) | Should -Not -Match 's0cks-pass'
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $authSocks $httpPort | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'authenticates with -ProxyCredential' {
        $before = Get-SocksTunnels $authSocks $httpsPort
        $s = New-AioSession -Proxy $authSocks.Url -ProxyCredential (New-TestCredential 'sockuser' 's0cks-pass') -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $authSocks $httpsPort | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'a wrong password is ClientHttpProxyError naming the proxy, without the password' {
        $before = Get-SocksTunnels $authSocks $httpPort
        $s = New-AioSession -Proxy ($authSocks.Url -replace '//', '//sockuser:wrong-pass@')
        try {
            $err = $null
            Invoke-AioRequest "$($srv.http)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientHttpProxyError,*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape("socks5://127.0.0.1:$($authSocks.Port)"))
            $err[0].Exception.Message | Should -Match 'authenticat'
            $err[0].Exception.Message | Should -Match 'password'
            $err[0].Exception.Message | Should -Not -Match 'wrong-pass'
            Get-SocksTunnels $authSocks $httpPort | Should -Be $before
        }
        finally { Close-AioSession $s }
    }

    It 'without credentials the refusal is ClientHttpProxyError too' {
        $s = New-AioSession -Proxy $authSocks.Url
        try {
            $err = $null
            Invoke-AioRequest "$($srv.http)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientHttpProxyError,*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape("socks5://127.0.0.1:$($authSocks.Port)"))
        }
        finally { Close-AioSession $s }
    }
}

Describe 'SOCKS4 and SOCKS4a proxies (against a scripted SOCKS4 peer)' {
    It 'socks4a:// hands the host name to the proxy, with the user id from the URL' {
        $m = New-Marker
        $s = New-AioSession
        try {
            $r = Invoke-AioRequest "http://$m.example.invalid:8123/get" -Proxy "socks4a://alice@127.0.0.1:$($socks4.Port)" -Session $s
            $r.Status | Should -Be 200
            $r.Text() | Should -Be 'through socks4'
            $line = @(Get-Content $socks4.Log | Where-Object { $_ -like "*host=$m.example.invalid *" })
            $line | Should -HaveCount 1
            $line[0] | Should -BeLike 'version=4 address=0.0.0.* port=8123 user=alice *request=GET /get HTTP/1.1'
        }
        finally { Close-AioSession $s }
    }

    It 'socks4:// resolves the name itself and sends the address' {
        $m = New-Marker
        $s = New-AioSession -Proxy "socks4://127.0.0.1:$($socks4.Port)"
        try {
            (Invoke-AioRequest "http://localhost:8124/get?$m" -Session $s).Text() | Should -Be 'through socks4'
            $line = @(Get-Content $socks4.Log | Where-Object { $_ -like "*$m*" })
            $line | Should -HaveCount 1
            $line[0] | Should -BeLike "version=4 address=127.0.0.1 port=8124 user= host= request=GET /get?$m HTTP/1.1"
        }
        finally { Close-AioSession $s }
    }

    It 'a password in a socks4 URL is an error saying SOCKS4 carries only a user id' {
        $err = @({ New-AioSession -Proxy "socks4://alice:secret@127.0.0.1:$($socks4.Port)" } | Should -Throw -PassThru)
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -Match 'user id'
        $err[0].Exception.Message | Should -Match 'socks5://'
        $err[0].Exception.Message | Should -Not -Match 'secret'
    }
}

Describe 'Proxy URLs that are not accepted' {
    It 'New-AioSession -Proxy <Url> is InvalidArgument naming -Proxy and the accepted schemes' -ForEach @(
        @{ Url = 'ftp://127.0.0.1:21'; Scheme = 'ftp' }
        @{ Url = 'socks6://127.0.0.1:1080'; Scheme = 'socks6' }
    ) {
        $err = @({ New-AioSession -Proxy $Url } | Should -Throw -PassThru)
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -Match "-Proxy.*scheme '$Scheme' is not supported"
        $err[0].Exception.Message | Should -Match 'socks4://, socks4a://, socks5://'
    }

    It 'Invoke-AioRequest -Proxy socks6:// is InvalidArgument and sends nothing' {
        $err = $null
        Invoke-AioRequest "$($srv.http)/get" -Proxy 'socks6://127.0.0.1:1080' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -Match "scheme 'socks6'"
    }

    It '-NoProxy with -Proxy is InvalidArgument' {
        $err = $null
        Invoke-AioRequest "$($srv.http)/get" -Proxy 'socks5://127.0.0.1:1080' -NoProxy -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -Match 'NoProxy'
    }
}

Describe 'An HTTPS proxy (-Proxy https://, TLS in front of tinyproxy)' {
    BeforeEach {
        if (-not $tlsProxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed (apt-get install tinyproxy-bin)' }
    }

    It 'speaks TLS to the proxy and sends http requests in absolute form inside it' {
        $m = New-Marker
        $s = New-AioSession -Proxy $tlsProxy.Url -SkipCertificateCheck
        try {
            $s.Proxy | Should -Be "$($tlsProxy.Url)/"
            (Invoke-AioRequest "$($srv.http)/get?$m" -Session $s).Status | Should -Be 200
            Get-ProxyLog $tinyproxy "GET http://127.0.0.1:$httpPort/get?$m" | Should -HaveCount 1
        }
        finally { Close-AioSession $s }
    }

    It 'tunnels https requests through CONNECT inside the TLS to the proxy' {
        $before = (Get-ProxyLog $tinyproxy "CONNECT 127.0.0.1:$httpsPort").Count
        $s = New-AioSession -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$($srv.https)/get" -Session $s -Proxy $tlsProxy.Url).Status | Should -Be 200
            (Get-ProxyLog $tinyproxy "CONNECT 127.0.0.1:$httpsPort").Count | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'checks the proxy''s certificate like a server''s: an untrusted one is refused, nothing reaches the proxy' {
        $m = New-Marker
        $s = New-AioSession -Proxy $tlsProxy.Url
        try {
            $err = $null
            Invoke-AioRequest "$($srv.http)/get?$m" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorException])
            $err[0].Exception.Message | Should -Match 'certificate'
            Get-ProxyLog $tinyproxy $m | Should -BeNullOrEmpty
        }
        finally { Close-AioSession $s }
    }
}

Describe '-NoProxy goes direct' {
    BeforeEach {
        if (-not $socks) { Set-ItResult -Skipped -Because 'microsocks is not installed (apt-get install microsocks)' }
    }

    It 'Invoke-AioRequest -NoProxy passes by the session''s proxy' {
        $before = Get-SocksTunnels $socks $httpPort
        $s = New-AioSession -Proxy $socks.Url
        try {
            (Invoke-AioRequest "$($srv.http)/get" -Session $s -NoProxy).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be $before
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be ($before + 1) -Because 'the session''s other requests still use its proxy'
        }
        finally { Close-AioSession $s }
    }

    It 'Connect-AioWebSocket -NoProxy passes by the session''s proxy' {
        $before = Get-SocksTunnels $socks $httpPort
        $s = New-AioSession -Proxy $socks.Url
        try {
            $ws = Connect-AioWebSocket "$($srv.http -replace '^http', 'ws')/ws/echo" -Session $s -NoProxy
            Send-AioWebSocket -WebSocket $ws -Text 'direct'
            (Receive-AioWebSocket -WebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'direct'
            Disconnect-AioWebSocket -WebSocket $ws
            Get-SocksTunnels $socks $httpPort | Should -Be $before
        }
        finally { Close-AioSession $s }
    }
}

Describe 'ALL_PROXY with -TrustEnv' {
    BeforeEach {
        if (-not $socks) { Set-ItResult -Skipped -Because 'microsocks is not installed (apt-get install microsocks)' }
        $script:saved = Save-ProxyEnvironment
        Restore-ProxyEnvironment
    }
    AfterEach {
        Restore-ProxyEnvironment $saved
    }

    It 'takes ALL_PROXY for http and https targets' {
        $beforeHttp = Get-SocksTunnels $socks $httpPort
        $beforeHttps = Get-SocksTunnels $socks $httpsPort
        $env:ALL_PROXY = $socks.Url
        $s = New-AioSession -TrustEnv -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be ($beforeHttp + 1)
            Get-SocksTunnels $socks $httpsPort | Should -Be ($beforeHttps + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'HTTP_PROXY wins over all_proxy for http targets' {
        if (-not $tinyproxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed (apt-get install tinyproxy-bin)' }
        $m = New-Marker
        $before = Get-SocksTunnels $socks $httpPort
        $env:all_proxy = $socks.Url
        $env:HTTP_PROXY = $tinyproxy.Url
        $s = New-AioSession -TrustEnv
        try {
            (Invoke-AioRequest "$($srv.http)/get?$m" -Session $s).Status | Should -Be 200
            Get-ProxyLog $tinyproxy "GET http://127.0.0.1:$httpPort/get?$m" | Should -HaveCount 1
            Get-SocksTunnels $socks $httpPort | Should -Be $before
        }
        finally { Close-AioSession $s }
    }

    It 'NO_PROXY exempts a host from ALL_PROXY' {
        $before = Get-SocksTunnels $socks $httpPort
        $env:ALL_PROXY = $socks.Url
        $env:NO_PROXY = '127.0.0.1'
        $s = New-AioSession -TrustEnv
        try {
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
            Get-SocksTunnels $socks $httpPort | Should -Be $before
        }
        finally { Close-AioSession $s }
    }
}

Describe 'The default session takes its proxies from the environment (in a child PowerShell)' {
    It 'sends through HTTP_PROXY, goes direct to NO_PROXY hosts and with -NoProxy' {
        if (-not $tinyproxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed (apt-get install tinyproxy-bin)' }
        $m1 = New-Marker; $m2 = New-Marker; $m3 = New-Marker
        $module = if ($env:AIOHTTP_MODULE) { $env:AIOHTTP_MODULE } else { Join-Path $PSScriptRoot '../../out/AioHttp/AioHttp.psd1' }
        # The environment a user behind a proxy has before starting PowerShell.
        $script = @"
`$ErrorActionPreference = 'Stop'
`$env:HTTP_PROXY = '$($tinyproxy.Url)'
`$env:NO_PROXY = 'localhost'
Import-Module '$module'
(Invoke-AioRequest 'http://127.0.0.1:$httpPort/get?$m1').Status
(Invoke-AioRequest 'http://localhost:$httpPort/get?$m2').Status
(Invoke-AioRequest 'http://127.0.0.1:$httpPort/get?$m3' -NoProxy).Status
"@
        $pwsh = Get-PwshCommand
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        @($output) | Should -Be @('200', '200', '200')
        Get-ProxyLog $tinyproxy "GET http://127.0.0.1:$httpPort/get?$m1" | Should -HaveCount 1
        Get-ProxyLog $tinyproxy $m2 | Should -BeNullOrEmpty -Because 'NO_PROXY names localhost'
        Get-ProxyLog $tinyproxy $m3 | Should -BeNullOrEmpty -Because '-NoProxy goes direct'
    }
}

Describe 'A proxy variable the default session cannot use' {
    It 'is an InvalidArgument error naming the variable, not a silent direct request' {
        $module = if ($env:AIOHTTP_MODULE) { $env:AIOHTTP_MODULE } else { Join-Path $PSScriptRoot '../../out/AioHttp/AioHttp.psd1' }
        $script = @"
`$env:HTTP_PROXY = 'ftp://127.0.0.1:21'
Import-Module '$module'
try { Invoke-AioRequest '$($srv.http)/get' -ErrorAction Stop; 'sent' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
"@
        $pwsh = Get-PwshCommand
        $output = @(& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1)
        $output[0] | Should -BeLike 'InvalidArgument*' -Because ($output | Out-String)
        $output[1] | Should -Match "HTTP_PROXY.*scheme 'ftp' is not supported"
    }
}
