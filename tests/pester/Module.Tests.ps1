# The module as a package: what it loads, and where.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Third-party assemblies stay in the module''s private load context' {
    It 'answers only for the dependencies it ships, at versions the shipped files satisfy' {
        $loader = [AioHttp.Commands.DependencyLoader]
        $shipped = [Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path (Get-Module AioHttp).Path) 'Dependencies/DnsClient.dll'))
        $loader::Satisfies([Reflection.AssemblyName]"DnsClient, Version=$($shipped.Version)") | Should -BeTrue
        $loader::Satisfies([Reflection.AssemblyName]'DnsClient') | Should -BeTrue
        $newer = [version]::new($shipped.Version.Major, $shipped.Version.Minor + 1, 0, 0)
        $loader::Satisfies([Reflection.AssemblyName]"DnsClient, Version=$newer") | Should -BeFalse
        $nextMajor = [version]::new($shipped.Version.Major + 1, 0, 0, 0)
        $loader::Satisfies([Reflection.AssemblyName]"DnsClient, Version=$nextMajor") | Should -BeFalse
        $loader::Satisfies([Reflection.AssemblyName]'Newtonsoft.Json, Version=13.0.0.0') | Should -BeFalse
    }

    It 'loads DnsClient into its own context, not the default one, when -NameServer needs it' {
        $s = New-AioSession -NameServer 127.0.0.1:53
        try {
            $dns = @([AioHttp.Commands.DependencyLoader]::LoadedDependencies | Where-Object { $_.GetName().Name -eq 'DnsClient' })
            $dns.Count | Should -Be 1
            [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($dns[0]).Name | Should -Be 'AioHttp.Dependencies'
            @([Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -eq 'DnsClient' }).Count | Should -Be 0
        } finally { Close-AioSession $s }
    }
}
