# TLS controls (issue 13, TLS): -SslProtocol and -ServerName on sessions, requests and websockets;
# client certificates from PFX files and X509Certificate2 objects. What the handshake settled is read
# from the server's side (/tls: the version, the SNI name it received, the client certificate's thumbprint).
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:tls = (Get-TestServer).tls
    $script:folder = New-TestFolder
    $script:pfxPassword = 'pfx-Secret-9f3e1c'
    $script:securePassword = ConvertTo-SecureString $pfxPassword -AsPlainText -Force

    # PFX files made from the test CA's client certificate: with a password, without one, and without the key.
    $pem = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($tls.clientCert, $tls.clientKey)
    $script:clientThumbprint = $pem.Thumbprint
    $script:pfx = Join-Path $folder 'client.pfx'
    [IO.File]::WriteAllBytes($pfx, $pem.Export('Pkcs12', $pfxPassword))
    $script:pfxNoPassword = Join-Path $folder 'client-open.p12'
    [IO.File]::WriteAllBytes($pfxNoPassword, $pem.Export('Pkcs12'))
    $public = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($pem.RawData)
    $script:pfxNoKey = Join-Path $folder 'client-nokey.pfx'
    [IO.File]::WriteAllBytes($pfxNoKey, $public.Export('Pkcs12', $pfxPassword))

    function Get-Tls([string] $Url, [hashtable] $With = @{}) {
        (Invoke-AioRequest "$Url/tls" @With).Json()
    }
}

Describe '-SslProtocol' {
    It 'allows TLS 1.2 and 1.3 by default: a 1.3 server gets 1.3, a 1.2-only server 1.2' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            (Get-Tls (Get-ByName $tls.trusted) @{ Session = $s }).protocol | Should -Be 'Tls13'
            (Get-Tls (Get-ByName $tls.tls12Only) @{ Session = $s }).protocol | Should -Be 'Tls12'
        }
        finally { Close-AioSession $s }
    }

    It 'Tls12 on the session makes every handshake TLS 1.2' {
        $s = New-AioSession -CaFile $tls.caFile -SslProtocol Tls12
        try { (Get-Tls (Get-ByName $tls.trusted) @{ Session = $s }).protocol | Should -Be 'Tls12' }
        finally { Close-AioSession $s }
    }

    It 'Tls12 on one request of a default session is TLS 1.2 for that request only' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            (Get-Tls (Get-ByName $tls.trusted) @{ Session = $s; SslProtocol = 'Tls12' }).protocol | Should -Be 'Tls12'
            (Get-Tls (Get-ByName $tls.trusted) @{ Session = $s }).protocol | Should -Be 'Tls13'
        }
        finally { Close-AioSession $s }
    }

    It 'a request with other TLS versions does not reuse a connection made with the session''s' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $url = Get-ByName $tls.trusted
            $first = Get-Tls $url @{ Session = $s }
            $other = Get-Tls $url @{ Session = $s; SslProtocol = 'Tls12' }
            $again = Get-Tls $url @{ Session = $s }
            $otherAgain = Get-Tls $url @{ Session = $s; SslProtocol = 'Tls12' }
            $other.connectionId | Should -Not -Be $first.connectionId
            $other.protocol | Should -Be 'Tls12'
            # Each setting keeps its own pool: both connections are reused by requests with the same setting.
            $again.connectionId | Should -Be $first.connectionId
            $otherAgain.connectionId | Should -Be $other.connectionId
        }
        finally { Close-AioSession $s }
    }

    It 'Tls12 against a TLS 1.3-only server is ClientConnectorSSLError naming the request and the cause' {
        $s = New-AioSession -CaFile $tls.caFile -SslProtocol Tls12
        try {
            $url = "$(Get-ByName $tls.tls13Only)/get"
            $err = $null
            Invoke-AioRequest $url -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError,*'
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientSslException])
            $err[0].Exception.Message | Should -BeLike "GET $url*"
            $err[0].Exception.Message | Should -BeLike '*TLS handshake failed*'
        }
        finally { Close-AioSession $s }
    }

    It 'Tls13 against a TLS 1.2-only server fails the same way, per request' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $url = "$(Get-ByName $tls.tls12Only)/get"
            $err = $null
            Invoke-AioRequest $url -Session $s -SslProtocol Tls13 -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError,*'
            $err[0].Exception.Message | Should -BeLike "GET $url*handshake*"
            # The session's own setting still reaches the server.
            (Invoke-AioRequest $url -Session $s).Status | Should -Be 200
        }
        finally { Close-AioSession $s }
    }

    It 'an unknown version is InvalidArgument naming the ones allowed, from <Cmdlet>' -TestCases @(
        @{ Cmdlet = 'New-AioSession' }, @{ Cmdlet = 'Invoke-AioRequest' }, @{ Cmdlet = 'Connect-AioWebSocket' }
    ) {
        $params = @{ SslProtocol = 'Tls11' }
        if ($Cmdlet -ne 'New-AioSession') { $params.Uri = "$(Get-ByName $tls.trusted)/get" }
        if ($Cmdlet -eq 'Connect-AioWebSocket') { $params.Uri = "$((Get-ByName $tls.trusted) -replace '^https', 'wss')/ws/echo" }
        $result = Invoke-Failing { & $Cmdlet @params }
        $result.Output | Should -BeNullOrEmpty
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike "*-SslProtocol 'Tls11'*Tls12*Tls13*"
    }

    It 'completes Tls12 and Tls13' {
        $line = 'New-AioSession -SslProtocol Tls'
        $found = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $found.CompletionMatches.CompletionText | Should -Be @('Tls12', 'Tls13')
    }
}

Describe '-ServerName' {
    It 'is sent in SNI while the Host header stays the URL''s' {
        $s = New-AioSession -CaFile $tls.caFile -ServerName localhost
        try {
            $seen = Get-Tls $tls.trusted @{ Session = $s }
            $seen.serverName | Should -Be 'localhost'
            $seen.host | Should -Be ([uri]$tls.trusted).Authority
        }
        finally { Close-AioSession $s }
    }

    It 'is the name the certificate is checked against: a certificate for other.example is accepted for it' {
        $url = Get-ByName $tls.wrongHost
        $s = New-AioSession -CaFile $tls.caFile
        try {
            { Invoke-AioRequest "$url/get" -Session $s -ErrorAction Stop } | Should -Throw "*not valid for the host name 'localhost'*"
            $seen = Get-Tls $url @{ Session = $s; ServerName = 'other.example' }
            $seen.serverName | Should -Be 'other.example'
        }
        finally { Close-AioSession $s }
    }

    It 'a certificate that does not name it is refused, naming it' {
        $s = New-AioSession -CaFile $tls.caFile -ServerName other.example
        try {
            $err = $null
            Invoke-AioRequest "$(Get-ByName $tls.trusted)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
            $err[0].Exception.Message | Should -BeLike "*not valid for the host name 'other.example'*"
        }
        finally { Close-AioSession $s }
    }

    It 'a request with another -ServerName does not reuse a connection made without one' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $plain = Get-Tls $tls.trusted @{ Session = $s }
            $named = Get-Tls $tls.trusted @{ Session = $s; ServerName = 'localhost' }
            $plainAgain = Get-Tls $tls.trusted @{ Session = $s }
            $plain.serverName | Should -BeNullOrEmpty   # an IP address is never sent in SNI
            $named.serverName | Should -Be 'localhost'
            $named.connectionId | Should -Not -Be $plain.connectionId
            $plainAgain.connectionId | Should -Be $plain.connectionId
            $plainAgain.serverName | Should -BeNullOrEmpty
        }
        finally { Close-AioSession $s }
    }

    It 'works over HTTP/2' {
        $s = New-AioSession -CaFile $tls.caFile -ServerName localhost -HttpVersion 2
        try {
            $seen = Get-Tls $tls.trusted @{ Session = $s }
            $seen.httpProtocol | Should -Be 'HTTP/2'
            $seen.serverName | Should -Be 'localhost'
        }
        finally { Close-AioSession $s }
    }

    It 'applies to Connect-AioWebSocket' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $wss = "$((Get-ByName $tls.wrongHost) -replace '^https', 'wss')/ws/echo"
            $err = $null
            Connect-AioWebSocket $wss -Session $s -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
            $ws = Connect-AioWebSocket $wss -Session $s -ServerName other.example
            try {
                Send-AioWebSocket $ws -Text 'hello'
                (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'hello'
            }
            finally { Disconnect-AioWebSocket $ws }
        }
        finally { Close-AioSession $s }
    }

    It 'Connect-AioWebSocket -SslProtocol Tls12 against a TLS 1.3-only server is ClientConnectorSSLError' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $wss = "$((Get-ByName $tls.tls13Only) -replace '^https', 'wss')/ws/echo"
            $err = $null
            Connect-AioWebSocket $wss -Session $s -SslProtocol Tls12 -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError,*'
            $err[0].Exception.Message | Should -BeLike "GET $wss*"
        }
        finally { Close-AioSession $s }
    }

    It 'refuses <Name> before any connection is made' -TestCases @(
        @{ Name = 'an empty name'; Value = '' },
        @{ Name = 'a name with a space'; Value = 'local host' },
        @{ Name = 'a name with CR LF'; Value = "localhost`r`nX-Evil: 1" },
        @{ Name = 'a name with a tab'; Value = "localhost`t" }
    ) {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $result = Invoke-Failing { Invoke-AioRequest "$($tls.trusted)/get" -Session $s -ServerName $Value }
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $result.Errors[0].Exception.Message | Should -BeLike '*-ServerName*not a host name*'
            $s.ConnectionsCreated | Should -Be 0
            $session = Invoke-Failing { New-AioSession -ServerName $Value }
            $session.Output | Should -BeNullOrEmpty
            $session.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $ws = Invoke-Failing { Connect-AioWebSocket "$($tls.trusted -replace '^https', 'wss')/ws/echo" -Session $s -ServerName $Value }
            $ws.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $s.ConnectionsCreated | Should -Be 0
        }
        finally { Close-AioSession $s }
    }

    It 'is refused with a proxy, which would send the URL''s host inside its tunnel' {
        $result = Invoke-Failing { New-AioSession -ServerName localhost -Proxy 'http://127.0.0.1:9' }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike '*-ServerName*proxy*-NoProxy*'
    }
}

Describe 'Client certificates from PFX files and objects' {
    It 'a PFX file with -ClientCertificatePassword is presented to the server' {
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $pfx -ClientCertificatePassword $securePassword
        try { (Get-Tls (Get-ByName $tls.clientAuth) @{ Session = $s }).clientCertificate | Should -Be $clientThumbprint }
        finally { Close-AioSession $s }
    }

    It 'a .p12 file without a password needs none' {
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $pfxNoPassword
        try { (Get-Tls (Get-ByName $tls.clientAuth) @{ Session = $s }).clientCertificate | Should -Be $clientThumbprint }
        finally { Close-AioSession $s }
    }

    It 'an X509Certificate2 with its key is presented to the server' {
        $cert = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($pfx, $pfxPassword)
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $cert
        try { (Get-Tls (Get-ByName $tls.clientAuth) @{ Session = $s }).clientCertificate | Should -Be $clientThumbprint }
        finally { Close-AioSession $s }
    }

    It 'a PFX client certificate goes with -ServerName and -SslProtocol Tls12 too' {
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $pfx -ClientCertificatePassword $securePassword -ServerName localhost -SslProtocol Tls12
        try {
            $seen = Get-Tls $tls.clientAuth @{ Session = $s }
            $seen.clientCertificate | Should -Be $clientThumbprint
            $seen.serverName | Should -Be 'localhost'
            $seen.protocol | Should -Be 'Tls12'
        }
        finally { Close-AioSession $s }
    }

    It 'a wrong password says the password is wrong, and never shows it' {
        $wrong = 'not-the-Password-77'
        $result = Invoke-Failing { New-AioSession -ClientCertificate $pfx -ClientCertificatePassword (ConvertTo-SecureString $wrong -AsPlainText -Force) }
        $result.Output | Should -BeNullOrEmpty
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $message = $result.Errors[0].Exception.Message
        $message | Should -BeLike "*-ClientCertificatePassword is wrong*client.pfx*"
        $message | Should -Not -BeLike '*may be incorrect*'   # not the framework's words
        ($result.Errors[0] | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$wrong*"
        ($result.Errors[0] | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$pfxPassword*"
    }

    It 'a PFX that needs a password says to give -ClientCertificatePassword' {
        $result = Invoke-Failing { New-AioSession -ClientCertificate $pfx }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike '*protected by a password*-ClientCertificatePassword*'
    }

    It 'a missing PFX file is named' {
        $missing = Join-Path $folder 'nowhere.pfx'
        $result = Invoke-Failing { New-AioSession -ClientCertificate $missing -ClientCertificatePassword $securePassword }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike "*nowhere.pfx*does not exist*"
    }

    It 'a PFX without a private key is refused, saying so' {
        $result = Invoke-Failing { New-AioSession -ClientCertificate $pfxNoKey -ClientCertificatePassword $securePassword }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike '*client-nokey.pfx*no private key*'
    }

    It 'a certificate object without a private key is refused, saying so' {
        $public = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($tls.clientCert)
        $result = Invoke-Failing { New-AioSession -ClientCertificate $public }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike '*object*no private key*'
    }

    It '-ClientCertificatePassword with a PEM certificate is refused' {
        $result = Invoke-Failing { New-AioSession -ClientCertificate $tls.clientCert -ClientKey $tls.clientKey -ClientCertificatePassword $securePassword }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike '*-ClientCertificatePassword is for PFX*PEM*'
    }

    It '-ClientKey with a PFX file is refused' {
        $result = Invoke-Failing { New-AioSession -ClientCertificate $pfx -ClientCertificatePassword $securePassword -ClientKey $tls.clientKey }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -BeLike '*PFX file*leave -ClientKey out*'
    }

    It 'the password is not in the session''s views, Format-List * or -Debug output' {
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $pfx -ClientCertificatePassword $securePassword
        try {
            ($s | Out-String -Width 4096) | Should -Not -BeLike "*$pfxPassword*"
            ($s | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$pfxPassword*"
            ($s.Options | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$pfxPassword*"
            $DebugPreference = 'Continue'
            $lines = Invoke-AioRequest "$(Get-ByName $tls.clientAuth)/get" -Session $s -Debug 5>&1 |
                Where-Object { $_ -is [Management.Automation.DebugRecord] } | ForEach-Object Message
            @($lines).Count | Should -BeGreaterThan 0
            ($lines -join "`n") | Should -Not -BeLike "*$pfxPassword*"
        }
        finally { Close-AioSession $s }
    }
}
