#Requires -Version 7.0
# A request switch that overrides a session setting honours an explicit :$false: the session has the
# setting on, the request turns it off, and the difference shows.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
}

Describe 'Switches that override a session setting' {
    It 'are each covered below (a new one needs its :$false test here)' {
        # Every Invoke-AioRequest switch with a New-AioSession namesake overrides the session's setting.
        $session = (Get-Command New-AioSession).Parameters
        $overriding = (Get-Command Invoke-AioRequest).Parameters.Values |
            Where-Object { $_.SwitchParameter -and $session.ContainsKey($_.Name) -and $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters } |
            ForEach-Object Name | Sort-Object
        $overriding | Should -Be @('AllowInsecureRedirect', 'NoDecompress', 'PreserveAuthorizationOnRedirect', 'RetryNonIdempotent', 'SkipCertificateCheck', 'SkipHttpErrorCheck')
    }

    It '-RetryNonIdempotent:$false leaves a POST alone on a session that retries POST' {
        $s = New-AioSession -MaximumRetryCount 1 -RetryIntervalSec 0 -RetryNonIdempotent
        try {
            $fail = @(@{ send = "HTTP/1.1 503 Service Unavailable`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" })
            $ok = @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" })
            $script = New-RawScript -Connections @((, $fail) + (, $ok))
            (Invoke-AioRequest $script.Url -Session $s -Method POST -Body 'x').Status | Should -Be 200
            $script = New-RawScript -Connections @((, $fail) + (, $ok))
            $r = Invoke-AioRequest $script.Url -Session $s -Method POST -Body 'x' -RetryNonIdempotent:$false -SkipHttpErrorCheck
            $r.Status | Should -Be 503
            @(Get-RawReceived $script).Count | Should -Be 1
        }
        finally { Close-AioSession $s }
    }

    It '-SkipCertificateCheck:$false checks the certificate on a session made with -SkipCertificateCheck' {
        $s = New-AioSession -SkipCertificateCheck
        try {
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
            $err = $null
            Invoke-AioRequest "$($srv.https)/get" -Session $s -SkipCertificateCheck:$false -ErrorAction SilentlyContinue -ErrorVariable err |
                Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
            # The session's own setting is untouched.
            (Invoke-AioRequest "$($srv.https)/get" -Session $s).Status | Should -Be 200
        }
        finally { Close-AioSession $s }
    }

    It '-SkipCertificateCheck:$true still skips the check on a session without it' {
        $s = New-AioSession
        try { (Invoke-AioRequest "$($srv.https)/get" -Session $s -SkipCertificateCheck:$true).Status | Should -Be 200 }
        finally { Close-AioSession $s }
    }

    It '-NoDecompress:$false decodes gzip and offers Accept-Encoding on a session made with -NoDecompress' {
        $s = New-AioSession -NoDecompress
        try {
            $r = Invoke-AioRequest "$base/gzip" -Session $s -NoDecompress:$false
            $r.Json().gzipped | Should -BeTrue
            @($r.Json().headers.PSObject.Properties.Name) | Should -Contain 'Accept-Encoding'
            # and the session's setting still holds for a request that does not override it
            (Invoke-AioRequest "$base/gzip" -Session $s).Read()[0..1] | Should -Be @(0x1f, 0x8b)
        }
        finally { Close-AioSession $s }
    }

    It '-SkipHttpErrorCheck:$false reports a 404 as an error on a session made with -SkipHttpErrorCheck' {
        $s = New-AioSession -SkipHttpErrorCheck
        try {
            (Invoke-AioRequest "$base/status/404" -Session $s).Status | Should -Be 404
            $err = $null
            Invoke-AioRequest "$base/status/404" -Session $s -SkipHttpErrorCheck:$false -ErrorAction SilentlyContinue -ErrorVariable err |
                Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError,*'
            $err[0].Exception.Status | Should -Be 404
        }
        finally { Close-AioSession $s }
    }

    It '-PreserveAuthorizationOnRedirect:$false drops credentials across origins on a session that keeps them' {
        $s = New-AioSession -PreserveAuthorizationOnRedirect -Headers @{ Authorization = 'Bearer kept' }
        try {
            (Invoke-AioRequest (Get-RedirectUrl "$($srv.http2)/anything") -Session $s).Json().headers.Authorization | Should -Be 'Bearer kept'
            $r = Invoke-AioRequest (Get-RedirectUrl "$($srv.http2)/anything") -Session $s -PreserveAuthorizationOnRedirect:$false
            $r.Json().headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }
        finally { Close-AioSession $s }
    }

    It '-AllowInsecureRedirect:$false refuses https -> http on a session that allows it' {
        $s = New-AioSession -AllowInsecureRedirect -SkipCertificateCheck
        try {
            (Invoke-AioRequest (Get-RedirectUrl "$base/get" -From $srv.https) -Session $s).Status | Should -Be 200
            $err = $null
            Invoke-AioRequest (Get-RedirectUrl "$base/get" -From $srv.https) -Session $s -AllowInsecureRedirect:$false -ErrorAction SilentlyContinue -ErrorVariable err |
                Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InsecureRedirect,*'
        }
        finally { Close-AioSession $s }
    }
}
