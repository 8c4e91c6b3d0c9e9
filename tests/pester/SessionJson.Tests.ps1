#Requires -Version 7.0
# Which JSON parser Json() uses, on a response and on a websocket message: the one of the session that
# made them. Sessions the cmdlets make (New-AioSession, the module's default session) shape JSON as
# ConvertFrom-Json does; a session made from the engine's types keeps System.Text.Json, because
# importing the module changes no process-wide parser.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:wsBase = $srv.http -replace '^http', 'ws'

    # The echo peer sends back what it is given: one JSON message, received, then parsed by Json().
    function Get-EchoedJson($Session) {
        $extra = if ($Session) { @{ Session = $Session } } else { @{} }
        $ws = Connect-AioWebSocket "$wsBase/ws/echo" @extra -ErrorAction Stop
        try {
            Send-AioWebSocket $ws -Json @{ n = 1 }
            (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Json()
        }
        finally { Disconnect-AioWebSocket $ws }
    }
}

Describe 'Json() follows the session that made the response' {
    It 'shapes a New-AioSession response as ConvertFrom-Json does' {
        $s = New-AioSession
        try {
            $json = (Invoke-AioRequest "$base/anything?q=x" -Session $s).Json()
            $json.GetType().FullName | Should -Be 'System.Management.Automation.PSCustomObject'
            $json.args.q | Should -Be 'x'
        }
        finally { Close-AioSession $s }
    }

    It 'shapes a default-session response as ConvertFrom-Json does' {
        $json = (Invoke-AioRequest "$base/anything?q=x").Json()
        $json.GetType().FullName | Should -Be 'System.Management.Automation.PSCustomObject'
        $json.args.q | Should -Be 'x'
    }

    It 'keeps System.Text.Json for a session made from the engine types, module imported or not' {
        $s = [AioHttp.ClientSession]::new()
        try {
            $json = (Invoke-AioRequest "$base/anything?q=x" -Session $s).Json()
            $json | Should -BeOfType ([System.Text.Json.JsonElement])
            $json.GetProperty('args').GetProperty('q').GetString() | Should -Be 'x'
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Json() on a websocket message follows the session that connected' {
    It 'shapes a message on a New-AioSession socket as ConvertFrom-Json does' {
        $s = New-AioSession
        try {
            $json = Get-EchoedJson $s
            $json.GetType().FullName | Should -Be 'System.Management.Automation.PSCustomObject'
            $json.n | Should -Be 1
        }
        finally { Close-AioSession $s }
    }

    It 'shapes a message on a default-session socket as ConvertFrom-Json does' {
        $json = Get-EchoedJson
        $json.GetType().FullName | Should -Be 'System.Management.Automation.PSCustomObject'
        $json.n | Should -Be 1
    }

    It 'keeps System.Text.Json for a socket of a session made from the engine types' {
        $s = [AioHttp.ClientSession]::new()
        try {
            $json = Get-EchoedJson $s
            $json | Should -BeOfType ([System.Text.Json.JsonElement])
            $json.GetProperty('n').GetInt32() | Should -Be 1
        }
        finally { Close-AioSession $s }
    }
}
