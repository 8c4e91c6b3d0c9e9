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

Describe 'Certificates from the test CA' {
    BeforeAll {
        $script:tls = $srv.tls
        # The CA-signed server certificates name localhost (and 127.0.0.1 for the good one), hence Get-ByName.
    }

    It 'are trusted with -CaFile' {
        $s = New-AioSession -CaFile $tls.caFile
        try { (Invoke-AioRequest "$(Get-ByName $tls.trusted)/get" -Session $s).Status | Should -Be 200 }
        finally { Close-AioSession $s }
    }

    It 'are refused without -CaFile (not issued by a trusted CA)' {
        $err = $null
        Invoke-AioRequest "$(Get-ByName $tls.trusted)/get" -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorCertificateException])
        $err[0].Exception.Message | Should -Match 'not issued by a trusted CA'
    }

    It 'an expired certificate is ClientConnectorCertificateError saying it expired' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $err = $null
            Invoke-AioRequest "$(Get-ByName $tls.expired)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
            $err[0].Exception.Message | Should -Match 'expired'
        }
        finally { Close-AioSession $s }
    }

    It 'a certificate for another host is ClientConnectorCertificateError naming the host' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $err = $null
            Invoke-AioRequest "$(Get-ByName $tls.wrongHost)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientSslException])
            $err[0].Exception.Message | Should -Match "not valid for the host name 'localhost'"
        }
        finally { Close-AioSession $s }
    }

    It 'a server that requires a client certificate accepts ours from -ClientCertificate and -ClientKey' {
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $tls.clientCert -ClientKey $tls.clientKey
        try { (Invoke-AioRequest "$(Get-ByName $tls.clientAuth)/get" -Session $s).Status | Should -Be 200 }
        finally { Close-AioSession $s }
    }

    It 'accepts a combined PEM file holding certificate and key' {
        $s = New-AioSession -CaFile $tls.caFile -ClientCertificate $tls.clientCombined
        try { (Invoke-AioRequest "$(Get-ByName $tls.clientAuth)/get" -Session $s).Status | Should -Be 200 }
        finally { Close-AioSession $s }
    }

    It 'without a client certificate the handshake fails as a ClientSslException' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $err = $null
            Invoke-AioRequest "$(Get-ByName $tls.clientAuth)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -BeGreaterThan 0
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectionException])
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Pinning with -Fingerprint' {
    BeforeAll { $script:tls = $srv.tls }

    It 'accepts the server whose SHA-256 matches (colons and case ignored), even untrusted' {
        $hex = $tls.fingerprint.ToLower()
        $withColons = ($hex -split '(..)' -ne '') -join ':'
        $s = New-AioSession -Fingerprint $withColons
        try { (Invoke-AioRequest "$($tls.trusted)/get" -Session $s -SkipHttpErrorCheck).Status | Should -Be 200 }
        finally { Close-AioSession $s }
    }

    It 'raises ServerFingerprintMismatch with Expected and Got on a mismatch' {
        $s = New-AioSession -Fingerprint ('0' * 64) -CaFile $tls.caFile
        try {
            $err = $null
            Invoke-AioRequest "$(Get-ByName $tls.trusted)/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerFingerprintMismatch,*'
            $err[0].Exception | Should -BeOfType ([AioHttp.ServerFingerprintMismatchException])
            $err[0].Exception.Expected | Should -Be ('0' * 64)
            $err[0].Exception.Got | Should -Be $tls.fingerprint
        }
        finally { Close-AioSession $s }
    }
}

Describe 'TLS settings: bad input fails when the session is made' {
    BeforeAll { $script:tls = $srv.tls }

    It 'refuses an MD5 or SHA-1 fingerprint as aiohttp does' {
        { New-AioSession -Fingerprint ('a' * 32) -ErrorAction Stop } | Should -Throw '*MD5*SHA-256*'
        { New-AioSession -Fingerprint ('a' * 40) -ErrorAction Stop } | Should -Throw '*SHA-1*SHA-256*'
    }

    It 'refuses a malformed fingerprint' {
        { New-AioSession -Fingerprint 'xyz' -ErrorAction Stop } | Should -Throw '*not a hex digest*'
        { New-AioSession -Fingerprint ('a' * 50) -ErrorAction Stop } | Should -Throw '*50 hex digits*'
    }

    It 'names a missing CA file' {
        { New-AioSession -CaFile (Join-Path $TestDrive 'nope.pem') -ErrorAction Stop } | Should -Throw '*CaFile*nope.pem*'
    }

    It 'names a CA file that holds no certificate' {
        $f = Join-Path $TestDrive 'empty.pem'; Set-Content $f 'not a certificate'
        { New-AioSession -CaFile $f -ErrorAction Stop } | Should -Throw '*holds no PEM certificate*'
    }

    It 'names a missing client certificate or key' {
        { New-AioSession -ClientCertificate (Join-Path $TestDrive 'c.pem') -ErrorAction Stop } | Should -Throw '*ClientCertificate*does not exist*'
        { New-AioSession -ClientCertificate $tls.clientCert -ClientKey (Join-Path $TestDrive 'k.pem') -ErrorAction Stop } | Should -Throw '*ClientKey*does not exist*'
    }

    It 'refuses a FIFO, a device, a folder or a huge file as -CaFile, -ClientCertificate or -ClientKey, at once and naming it' {
        if ($IsWindows) { Set-ItResult -Skipped -Because 'FIFOs and /dev/zero are POSIX'; return }
        $dir = New-TestFolder
        $fifo = Join-Path $dir 'pipe.pfx'
        & mkfifo $fifo
        $huge = Join-Path $dir 'huge.pem'
        $stream = [IO.File]::Create($huge); $stream.SetLength(17MB); $stream.Dispose()
        $cases = @(
            @{ Args = "-CaFile '$fifo'"; Expect = '*-CaFile*pipe.pfx*not a regular file*' }
            @{ Args = "-ClientCertificate '$fifo'"; Expect = '*-ClientCertificate*pipe.pfx*not a regular file*' }
            @{ Args = "-ClientCertificate '$($tls.clientCert)' -ClientKey '$fifo'"; Expect = '*-ClientKey*pipe.pfx*not a regular file*' }
            @{ Args = "-ClientCertificate /dev/zero"; Expect = '*-ClientCertificate*/dev/zero*not a regular file*' }
            @{ Args = "-CaFile '$dir'"; Expect = '*-CaFile*is a folder*' }
            @{ Args = "-CaFile '$huge'"; Expect = '*-CaFile*huge.pem*more than the 16 MiB*' }
        )
        foreach ($case in $cases) {
            # In a runspace of its own, so that a read that waits for the FIFO's writer fails the test instead of hanging it.
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; try { New-AioSession $($case.Args) -ErrorAction Stop; 'no error' } catch { `$_.FullyQualifiedErrorId + '|' + `$_.Exception.Message }")
                $async = $ps.BeginInvoke()
                $async.AsyncWaitHandle.WaitOne(20000) | Should -BeTrue -Because "New-AioSession $($case.Args) must answer at once, not wait"
                $answer = "$($ps.EndInvoke($async))"
                $answer | Should -BeLike 'InvalidArgument*'
                $answer | Should -BeLike $case.Expect
            }
            finally { $ps.Stop(); $ps.Dispose() }
        }
    }

    It 'refuses a key that does not match its certificate' {
        { New-AioSession -ClientCertificate $tls.clientCert -ClientKey $tls.otherKey -ErrorAction Stop } | Should -Throw '*cannot be used with*'
    }

    It 'refuses a certificate without a key' {
        { New-AioSession -ClientCertificate $tls.clientCert -ErrorAction Stop } | Should -Throw '*no usable private key*'
    }

    It 'refuses -ClientKey alone' {
        { New-AioSession -ClientKey $tls.clientKey -ErrorAction Stop } | Should -Throw '*without -ClientCertificate*'
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

Describe 'Per-request HTTP version' {
    It '-HttpVersion 2 on one request speaks h2 while the session stays on 1.1' {
        $s = New-AioSession -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$https/get" -Session $s -HttpVersion 2).Version | Should -Be ([version]'2.0')
            (Invoke-AioRequest "$https/get" -Session $s).Version | Should -Be ([version]'1.1')
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Per-request TLS settings' {
    BeforeAll { $script:tls = $srv.tls }

    It '-SkipCertificateCheck on one request accepts an untrusted server; the session still checks' {
        $s = New-AioSession
        try {
            (Invoke-AioRequest "$https/get" -Session $s -SkipCertificateCheck).Status | Should -Be 200
            $err = $null
            Invoke-AioRequest "$https/get" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorCertificateException])
        }
        finally { Close-AioSession $s }
    }

    It '-Fingerprint on one request pins it' {
        (Invoke-AioRequest "$($tls.trusted)/get" -Fingerprint $tls.fingerprint).Status | Should -Be 200
        $err = $null
        Invoke-AioRequest "$($tls.trusted)/get" -Fingerprint ('1' * 64) -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception | Should -BeOfType ([AioHttp.ServerFingerprintMismatchException])
        $err[0].Exception.Got | Should -Be $tls.fingerprint
    }

    It 'a malformed per-request fingerprint is an error naming it' {
        $err = $null
        Invoke-AioRequest "$($tls.trusted)/get" -Fingerprint 'abc' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception.Message | Should -Match "Fingerprint 'abc'"
    }
}
