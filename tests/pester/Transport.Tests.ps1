# Transport against real peers: HTTP proxies (Debian's tinyproxy, one open and one asking for Basic
# auth), custom name servers (Debian's dnsmasq) and the test server's Unix domain socket. The tests
# start tinyproxy and dnsmasq themselves on free loopback ports; without them those tests are skipped
# with the reason shown.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:httpPort = ([uri]$srv.http).Port
    $script:httpsPort = ([uri]$srv.https).Port

    # The lines tinyproxy logged for requests whose line contains $Text.
    function Get-ProxyLog($Proxy, [string] $Text) {
        @(Get-Content $Proxy.Log -ErrorAction SilentlyContinue | Where-Object { $_ -like "*$Text*" })
    }

    function New-Marker { "m$([guid]::NewGuid().ToString('n').Substring(0, 12))" }

    $script:tinyproxy = Get-Command tinyproxy -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1

    $script:openProxy = $null
    $script:authProxy = $null
    if ($tinyproxy) {
        $script:openProxy = Start-Tinyproxy 'open'
        $script:authProxy = Start-Tinyproxy 'auth' 'user s3cret'
    }

    $script:dns = Start-Dnsmasq 'aiohttp.test'

    # Queries dnsmasq logged for a name.
    function Get-DnsQueries([string] $Name) {
        @(Get-Content $dns.Log -ErrorAction SilentlyContinue | Where-Object { $_ -match "query\[(A|AAAA)\] $([regex]::Escape($Name)) " })
    }
}

AfterAll {
    Stop-Peer $openProxy
    Stop-Peer $authProxy
    Stop-Peer $dns
}

Describe 'An HTTP proxy (-Proxy, against tinyproxy)' {
    BeforeEach {
        if (-not $tinyproxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed (apt-get install tinyproxy-bin)' }
    }

    It 'carries plain http requests in absolute form, loopback targets included' {
        $m = New-Marker
        $s = New-AioSession -Proxy $openProxy.Url
        try {
            $r = Invoke-AioRequest "$($srv.http)/headers?$m" -Session $s
            $r.Status | Should -Be 200
            $r.Json().headers.Via | Should -Match 'tinyproxy' -Because 'tinyproxy adds a Via header to what it forwards'
            Get-ProxyLog $openProxy "GET http://127.0.0.1:$httpPort/headers?$m" | Should -HaveCount 1
        }
        finally { Close-AioSession $s }
    }

    It 'tunnels https requests through CONNECT' {
        $before = (Get-ProxyLog $openProxy "CONNECT 127.0.0.1:$httpsPort").Count
        $s = New-AioSession -Proxy $openProxy.Url -SkipCertificateCheck
        try {
            $r = Invoke-AioRequest "$($srv.https)/headers" -Session $s
            $r.Status | Should -Be 200
            $r.Url.Scheme | Should -Be 'https'
            $r.Json().headers.Via | Should -BeNullOrEmpty -Because 'a tunnel carries the TLS bytes untouched'
            (Get-ProxyLog $openProxy "CONNECT 127.0.0.1:$httpsPort").Count | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }

    It 'shows the proxy on the session, without its password' {
        $url = $authProxy.Url -replace '//', '//user:s3cret@'
        $s = New-AioSession -Proxy $url
        try { $s.Proxy | Should -Be "$($authProxy.Url)/" } finally { Close-AioSession $s }
    }

    It 'authenticates with credentials in the proxy URL' {
        $m = New-Marker
        $s = New-AioSession -Proxy ($authProxy.Url -replace '//', '//user:s3cret@')
        try {
            (Invoke-AioRequest "$($srv.http)/get?$m" -Session $s).Status | Should -Be 200
            Get-ProxyLog $authProxy "GET http://127.0.0.1:$httpPort/get?$m" | Should -Not -BeNullOrEmpty
        }
        finally { Close-AioSession $s }
    }

    It 'authenticates a CONNECT tunnel with -ProxyCredential' {
        $cred = [pscredential]::new('user', (ConvertTo-SecureString 's3cret' -AsPlainText -Force))
        $before = (Get-ProxyLog $authProxy "CONNECT 127.0.0.1:$httpsPort").Count
        $s = New-AioSession -Proxy $authProxy.Url -ProxyCredential $cred -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
            (Get-ProxyLog $authProxy "CONNECT 127.0.0.1:$httpsPort").Count | Should -BeGreaterThan $before
        }
        finally { Close-AioSession $s }
    }

    It 'a refused tunnel (407 on CONNECT) is ClientHttpProxyError carrying the status' {
        $s = New-AioSession -Proxy $authProxy.Url -SkipCertificateCheck
        try {
            $err = $null
            Invoke-AioRequest "$($srv.https)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientHttpProxyError,*'
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientHttpProxyException])
            $err[0].Exception.Status | Should -Be 407
            $err[0].Exception.Message | Should -Match 'ProxyCredential'
        }
        finally { Close-AioSession $s }
    }

    It 'a plain request refused by the proxy is the proxy''s 407 response (ClientResponseError)' {
        $s = New-AioSession -Proxy $authProxy.Url
        try {
            $err = $null
            Invoke-AioRequest "$($srv.http)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError,*'
            $err[0].Exception.Status | Should -Be 407
        }
        finally { Close-AioSession $s }
    }

    It 'per request: -Proxy and -ProxyCredential on Invoke-AioRequest, the session''s other requests going direct' {
        $cred = [pscredential]::new('user', (ConvertTo-SecureString 's3cret' -AsPlainText -Force))
        $m1 = New-Marker; $m2 = New-Marker
        $s = New-AioSession
        try {
            (Invoke-AioRequest "$($srv.http)/get?$m1" -Session $s -Proxy $authProxy.Url -ProxyCredential $cred).Status | Should -Be 200
            (Invoke-AioRequest "$($srv.http)/get?$m2" -Session $s).Status | Should -Be 200
            Get-ProxyLog $authProxy $m1 | Should -Not -BeNullOrEmpty
            Get-ProxyLog $authProxy $m2 | Should -BeNullOrEmpty
            Get-ProxyLog $openProxy $m2 | Should -BeNullOrEmpty
        }
        finally { Close-AioSession $s }
    }
}

Describe 'A websocket through the session proxy (against tinyproxy)' {
    BeforeEach {
        if (-not $tinyproxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed (apt-get install tinyproxy-bin)' }
    }

    It 'opens wss through a CONNECT tunnel and echoes messages' {
        $before = (Get-ProxyLog $openProxy "CONNECT 127.0.0.1:$httpsPort").Count
        $s = New-AioSession -Proxy $openProxy.Url -SkipCertificateCheck
        try {
            $ws = Connect-AioWebSocket "$($srv.https -replace '^https', 'wss')/ws/echo" -Session $s
            Send-AioWebSocket -WebSocket $ws -Text 'through the proxy'
            $msg = Receive-AioWebSocket -WebSocket $ws -Count 1 -Timeout 10
            $msg.Type | Should -Be 'Text'
            $msg.Data | Should -Be 'through the proxy'
            Disconnect-AioWebSocket -WebSocket $ws
            (Get-ProxyLog $openProxy "CONNECT 127.0.0.1:$httpsPort").Count | Should -Be ($before + 1)
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Proxies from the environment (-TrustEnv, against tinyproxy)' {
    BeforeEach {
        if (-not $tinyproxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed (apt-get install tinyproxy-bin)' }
        $script:saved = Save-ProxyEnvironment
        Restore-ProxyEnvironment
    }
    AfterEach {
        Restore-ProxyEnvironment $saved
    }

    It 'reads HTTP_PROXY when the session is made, not when it is used' {
        $m1 = New-Marker; $m2 = New-Marker
        $env:HTTP_PROXY = $openProxy.Url
        $s = New-AioSession -TrustEnv
        $env:HTTP_PROXY = $null
        $direct = New-AioSession -TrustEnv
        $env:HTTP_PROXY = $openProxy.Url
        try {
            (Invoke-AioRequest "$($srv.http)/get?$m1" -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$($srv.http)/get?$m2" -Session $direct).Status | Should -Be 200
            Get-ProxyLog $openProxy "GET http://127.0.0.1:$httpPort/get?$m1" | Should -HaveCount 1
            Get-ProxyLog $openProxy $m2 | Should -BeNullOrEmpty -Because 'that session was made without HTTP_PROXY'
        }
        finally { Close-AioSession $s; Close-AioSession $direct }
    }

    It 'reads lower-case https_proxy (with credentials in it) for https targets' {
        $env:https_proxy = $authProxy.Url -replace '//', '//user:s3cret@'
        $before = (Get-ProxyLog $authProxy "CONNECT 127.0.0.1:$httpsPort").Count
        $s = New-AioSession -TrustEnv -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
            (Get-ProxyLog $authProxy "CONNECT 127.0.0.1:$httpsPort").Count | Should -BeGreaterThan $before
        }
        finally { Close-AioSession $s }
    }

    It 'goes direct to hosts NO_PROXY names' {
        $m1 = New-Marker; $m2 = New-Marker
        $env:http_proxy = $openProxy.Url
        $env:NO_PROXY = 'example.invalid, 127.0.0.1'
        $s = New-AioSession -TrustEnv
        try {
            (Invoke-AioRequest "$($srv.http)/get?$m1" -Session $s).Status | Should -Be 200
            Get-ProxyLog $openProxy $m1 | Should -BeNullOrEmpty
            # localhost is not in NO_PROXY: it goes through the proxy (nothing is exempted silently).
            (Invoke-AioRequest "http://localhost:$httpPort/get?$m2" -Session $s).Status | Should -Be 200
            Get-ProxyLog $openProxy "GET http://localhost:$httpPort/get?$m2" | Should -HaveCount 1
        }
        finally { Close-AioSession $s }
    }

    It 'without -TrustEnv the environment is ignored' {
        $m = New-Marker
        $env:HTTP_PROXY = $openProxy.Url
        $s = New-AioSession
        try {
            (Invoke-AioRequest "$($srv.http)/get?$m" -Session $s).Status | Should -Be 200
            Get-ProxyLog $openProxy $m | Should -BeNullOrEmpty
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Proxy errors' {
    It 'a proxy that cannot be reached is ClientConnectorError naming the proxy' {
        $port = Get-FreeTcpPort
        $s = New-AioSession -Proxy "http://127.0.0.1:$port"
        try {
            $err = $null
            Invoke-AioRequest "$($srv.http)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorError,*'
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorException])
            $err[0].Exception.Message | Should -Match "proxy 127\.0\.0\.1:$port"
        }
        finally { Close-AioSession $s }
    }

    It 'an unreachable proxy is named for https targets too' {
        $port = Get-FreeTcpPort
        $s = New-AioSession -Proxy "http://127.0.0.1:$port"
        try {
            $err = $null
            Invoke-AioRequest "$($srv.https)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorException])
            $err[0].Exception.Message | Should -Match "proxy 127\.0\.0\.1:$port"
        }
        finally { Close-AioSession $s }
    }

    It 'a malformed proxy URL (<Url>) is an error when the session is made' -ForEach @(
        @{ Url = 'ftp://127.0.0.1:21'; Pattern = "scheme 'ftp'" }
        @{ Url = 'localhost:8080'; Pattern = 'http://host:port' }
        @{ Url = 'http://127.0.0.1:3128/some/path'; Pattern = 'no path' }
    ) {
        { New-AioSession -Proxy $Url } | Should -Throw -ExpectedMessage "*$Pattern*"
    }

    It 'a malformed HTTP_PROXY is an error when a -TrustEnv session is made, naming the variable' {
        $saved = $env:HTTP_PROXY
        try {
            $env:HTTP_PROXY = 'ftp://127.0.0.1:21'
            { New-AioSession -TrustEnv } | Should -Throw -ExpectedMessage '*HTTP_PROXY*ftp*'
        }
        finally { $env:HTTP_PROXY = $saved }
    }

    It '-ProxyCredential without a proxy is an error when the session is made' {
        $cred = [pscredential]::new('u', (ConvertTo-SecureString 'p' -AsPlainText -Force))
        { New-AioSession -ProxyCredential $cred } | Should -Throw -ExpectedMessage '*Proxy*'
    }
}

Describe 'Custom name servers (-NameServer, against dnsmasq)' {
    BeforeEach {
        if (-not $dns) { Set-ItResult -Skipped -Because 'dnsmasq is not installed (apt-get install dnsmasq-base)' }
    }

    It 'resolves a name the system resolver cannot' {
        $name = "a$(New-Marker).aiohttp.test"
        { [Net.Dns]::GetHostAddresses($name) } | Should -Throw -Because 'the system resolver does not know the test domain'
        $s = New-AioSession -NameServer $dns.Server
        try {
            $r = Invoke-AioRequest "http://${name}:$httpPort/headers" -Session $s
            $r.Status | Should -Be 200
            $r.Json().headers.Host | Should -Be "${name}:$httpPort"
            Get-DnsQueries $name | Should -Not -BeNullOrEmpty -Because 'dnsmasq answered the query'
            $s.NameServers | ForEach-Object ToString | Should -Be $dns.Server
        }
        finally { Close-AioSession $s }
    }

    It 'caches answers, and ClearDnsCache() makes the next request ask again' {
        $name = "c$(New-Marker).aiohttp.test"
        $s = New-AioSession -NameServer $dns.Server
        try {
            # Connection: close makes every request open a new connection, so every one resolves the name.
            $close = @{ Connection = 'close' }
            (Invoke-AioRequest "http://${name}:$httpPort/get" -Session $s -Headers $close).Status | Should -Be 200
            $first = (Get-DnsQueries $name).Count
            $first | Should -BeGreaterThan 0
            $s.DnsCache | Should -Contain $name
            (Invoke-AioRequest "http://${name}:$httpPort/get" -Session $s -Headers $close).Status | Should -Be 200
            $s.ConnectionsCreated | Should -Be 2
            (Get-DnsQueries $name).Count | Should -Be $first -Because 'the second connection used the cached answer'
            $s.ClearDnsCache()
            $s.DnsCache | Should -Not -Contain $name
            (Invoke-AioRequest "http://${name}:$httpPort/get" -Session $s -Headers $close).Status | Should -Be 200
            $s.ConnectionsCreated | Should -Be 3
            (Get-DnsQueries $name).Count | Should -BeGreaterThan $first -Because 'the cache was cleared'
        }
        finally { Close-AioSession $s }
    }

    It 'a name the server does not know is ClientConnectorDNSError naming the server' {
        $s = New-AioSession -NameServer $dns.Server
        try {
            $err = $null
            Invoke-AioRequest "http://nowhere.aiohttp-unknown.invalid:$httpPort/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorDNSError,*'
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorDnsException])
            $err[0].Exception.Message | Should -Match ([regex]::Escape($dns.Server))
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Name server errors' {
    It 'an unreachable name server is ClientConnectorDNSError naming it, at first use' {
        $server = "127.0.0.1:$(Get-FreeUdpPort)"
        $s = New-AioSession -NameServer $server
        try {
            $err = $null
            Invoke-AioRequest "http://www.aiohttp.test:$httpPort/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorDNSError,*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($server))
            $err[0].Exception.Message | Should -Match 'NameServer'
        }
        finally { Close-AioSession $s }
    }

    It 'a malformed entry (<Entry>) is an error when the session is made' -ForEach @(
        @{ Entry = '127.0.0.1:99999' }
        @{ Entry = '[::1'; }
        @{ Entry = '127.0.0.1:dns' }
        @{ Entry = 'not a host' }
    ) {
        { New-AioSession -NameServer $Entry } | Should -Throw -ExpectedMessage "*name server '$([WildcardPattern]::Escape($Entry))'*"
    }

    It 'accepts IPv6 and default-port entries' {
        $s = New-AioSession -NameServer '[::1]:5353', '127.0.0.1'
        try { ($s.NameServers | ForEach-Object ToString) | Should -Be @('[::1]:5353', '127.0.0.1:53') } finally { Close-AioSession $s }
    }

    It 'loads DnsClient only for sessions that use name servers, into a private load context' {
        # A fresh PowerShell, started the way this one was (pwsh, or 'dotnet pwsh.dll').
        $pwsh = [Environment]::ProcessPath
        $arguments = [Collections.Generic.List[string]]::new()
        if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $arguments.Add((Join-Path $PSHOME 'pwsh.dll')) }
        $module = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
        $script = @"
Import-Module '$module'
`$s = New-AioSession
`$before = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'DnsClient'
`$n = New-AioSession -NameServer 127.0.0.1:53
`$asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'DnsClient' }
"`$before|`$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$asm).Name)|`$(Split-Path (Split-Path `$asm.Location) -Leaf)"
"@
        $arguments.AddRange([string[]]@('-NoProfile', '-NonInteractive', '-Command', $script))
        $out = & $pwsh $arguments
        $out | Select-Object -Last 1 | Should -Be 'False|AioHttp.Dependencies|Dependencies'
    }
}

Describe 'A Unix domain socket (-UnixSocket, against the test server)' {
    It 'carries every request, the Host header still from the URL' {
        $s = New-AioSession -UnixSocket $srv.unix
        try {
            # unix.invalid does not resolve: the request can only have gone over the socket.
            $r = Invoke-AioRequest 'http://unix.invalid/headers' -Session $s
            $r.Status | Should -Be 200
            $r.Json().headers.Host | Should -Be 'unix.invalid'
            (Invoke-AioRequest 'http://unix.invalid/get' -Session $s).Status | Should -Be 200
            $s.ConnectionsCreated | Should -Be 1 -Because 'both requests share the pooled socket connection'
            $r2 = Invoke-AioRequest 'http://other.invalid:8080/get' -Session $s
            $r2.Json().headers.Host | Should -Be 'other.invalid:8080'
        }
        finally { Close-AioSession $s }
    }

    It 'a path that does not exist is an error when the session is made' {
        $path = Join-Path $TestDrive 'missing.sock'
        { New-AioSession -UnixSocket $path } | Should -Throw -ExpectedMessage "*UnixSocket*$path*does not exist*"
    }

    It 'a socket nobody listens on is ClientConnectorError naming it' {
        $path = Join-Path $TestDrive 'dead.sock'
        Set-Content $path '' # a file, but no server behind it
        $s = New-AioSession -UnixSocket $path
        try {
            $err = $null
            Invoke-AioRequest 'http://localhost/get' -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorError,*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($path))
        }
        finally { Close-AioSession $s }
    }
}
