#Requires -Version 7.0
# Why a certificate was refused travels with the handshake that refused it: handshakes with one host
# running at once each report their own reason, and no reason lingers to label a later error.
# The expired and wrong-host endpoints are both reached as 'localhost' (different ports), so a
# per-host record of the reason would mix them up.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:tls = $srv.tls
    $script:expired = "$(Get-ByName $tls.expired)/get"
    $script:wrongHost = "$(Get-ByName $tls.wrongHost)/get"
    $script:reasons = @{ $expired = 'expired or is not yet valid'; $wrongHost = "not valid for the host name 'localhost'" }
}

Describe 'Certificate refusals, each with its own reason' {
    It 'gives concurrent expired and wrong-host handshakes to one host each their own reason' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $urls = 1..12 | ForEach-Object { if ($_ % 2) { "$expired`?n=$_" } else { "$wrongHost`?n=$_" } }
            $err = $null
            $out = $urls | Invoke-AioRequest -Session $s -ThrottleLimit 12 -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 12
            foreach ($e in $err) {
                $e.FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
                $target = "$($e.TargetObject)" -replace '\?n=\d+$', ''
                $own = $reasons[$target]
                $other = $reasons.Values | Where-Object { $_ -ne $own }
                $e.Exception.Message | Should -BeLike "*$own*" -Because "$($e.TargetObject) was refused for that reason"
                $e.Exception.Message | Should -Not -BeLike "*$other*" -Because "the other endpoint's reason is not this one's"
            }
        }
        finally { Close-AioSession $s }
    }

    It 'does not label a later handshake failure of another kind with an earlier reason' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $err = $null
            Invoke-AioRequest $expired -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].Exception.Message | Should -Match 'expired'
            # The same host, a port that speaks plain http: the handshake fails without any certificate.
            $plain = "https://localhost:$(([uri]$srv.http).Port)/get"
            $err = $null
            Invoke-AioRequest $plain -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError,*'
            $err[0].Exception.Message | Should -Not -Match 'expired'
        }
        finally { Close-AioSession $s }
    }

    It 'lets a trusted request after a refused one succeed, and the next refusal name its own reason' {
        $s = New-AioSession -CaFile $tls.caFile
        try {
            $err = $null
            Invoke-AioRequest $wrongHost -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].Exception.Message | Should -Match 'host name'
            (Invoke-AioRequest "$(Get-ByName $tls.trusted)/get" -Session $s).Status | Should -Be 200
            $err = $null
            Invoke-AioRequest $expired -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].Exception.Message | Should -Match 'expired'
            $err[0].Exception.Message | Should -Not -Match 'host name'
        }
        finally { Close-AioSession $s }
    }

    It 'reports a pinned-certificate mismatch per handshake too' {
        $s = New-AioSession -Fingerprint ('0' * 64)
        try {
            $err = $null
            1..6 | ForEach-Object { "$($tls.trusted)/get?n=$_" } |
                Invoke-AioRequest -Session $s -ThrottleLimit 6 -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 6
            foreach ($e in $err) {
                $e.FullyQualifiedErrorId | Should -BeLike 'ServerFingerprintMismatch,*'
                $e.Exception.Got | Should -Be $tls.fingerprint
            }
        }
        finally { Close-AioSession $s }
    }
}
