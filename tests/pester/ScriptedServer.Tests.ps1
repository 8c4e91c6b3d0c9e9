# The scripted raw listener itself: the tool every hostile-server test stands on.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'The scripted raw test peer' {
    It 'sends exactly the scripted bytes and records exactly what the client sent' {
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`nConnection: close`r`n`r`nhello" })
        $r = Invoke-AioRequest $script.Url -Method POST -Body 'abc' -Headers @{ 'X-Probe' = 'seen' }
        $r.Text() | Should -Be 'hello'
        $received = @(Get-RawReceived $script)
        $received.Count | Should -Be 1
        $received[0] | Should -Match "^POST /s/$($script.Id) HTTP/1.1`r`n"
        $received[0] | Should -Match "`r`nX-Probe: seen`r`n"
        $received[0] | Should -Match "`r`n`r`nabc$"
    }

    It 'gives each connection its own steps and record' {
        $script = New-RawScript -Connections @(
            @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`nConnection: close`r`n`r`nfirst" }),
            @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 6`r`nConnection: close`r`n`r`nsecond" }))
        (Invoke-AioRequest $script.Url).Text() | Should -Be 'first'
        (Invoke-AioRequest "$($script.Url)?again").Text() | Should -Be 'second'
        $received = @(Get-RawReceived $script)
        $received.Count | Should -Be 2
        $received[1] | Should -Match "^GET /s/$($script.Id)\?again HTTP/1.1"
    }
}
