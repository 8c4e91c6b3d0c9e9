# TLS failures map to aiohttp's certificate/SSL errors; -SkipCertificateCheck and -HttpVersion 2 over TLS.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:https = $srv.https
}

Describe 'An untrusted server certificate' {
    It 'is ClientConnectorCertificateError, a ClientSslException, naming what to do' {
        $err = $null
        Invoke-AioRequest "$https/get" -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorCertificateException])
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientSslException])
        $err[0].Exception.Message | Should -Match 'SkipCertificateCheck'
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
    }

    It 'can be caught as [AioHttp.ClientSslException]' {
        $caught = $null
        try { Invoke-AioRequest "$https/get" -ErrorAction Stop } catch [AioHttp.ClientSslException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
    }

    It 'is accepted by a session made with -SkipCertificateCheck' {
        $s = New-AioSession -SkipCertificateCheck
        try {
            $r = Invoke-AioRequest "$https/get" -Session $s
            $r.Status | Should -Be 200
            $r.Url.Scheme | Should -Be 'https'
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Other TLS handshake failures' {
    It 'are ClientConnectorSSLError (https to a plain-http port)' {
        $plain = ([uri]$srv.http).Port
        $err = $null
        Invoke-AioRequest "https://127.0.0.1:$plain/get" -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError,*'
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorSslException])
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientSslException])
    }
}

Describe 'HTTP versions' {
    It 'uses HTTP/1.1 by default' {
        (Invoke-AioRequest "$($srv.http)/get").Version | Should -Be ([version]'1.1')
    }

    It 'negotiates h2 by ALPN over TLS with -HttpVersion 2' {
        $s = New-AioSession -SkipCertificateCheck -HttpVersion 2
        try {
            $r = Invoke-AioRequest "$https/get" -Session $s
            $r.Version | Should -Be ([version]'2.0')
            $r.Json().protocol | Should -Be 'HTTP/2'
        }
        finally { Close-AioSession $s }
    }

    It 'speaks h2c by prior knowledge over plain http with -HttpVersion 2' {
        $s = New-AioSession -HttpVersion 2
        try {
            $r = Invoke-AioRequest "$($srv.h2c)/get" -Session $s
            $r.Version | Should -Be ([version]'2.0')
        }
        finally { Close-AioSession $s }
    }

    It 'refuses a version other than 1.1 or 2' {
        { New-AioSession -HttpVersion 3 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AioHttp.Commands.NewAioSessionCommand'
    }
}
