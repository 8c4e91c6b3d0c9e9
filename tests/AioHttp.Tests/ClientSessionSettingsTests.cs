// A session's settings are fixed when it is made: changing the options object afterwards (or the copy
// the session's Options gives) changes nothing. Its headers are the one thing meant to change later,
// through SetHeader/RemoveHeader: checked like any header, swapped whole so a request keeps its own.
using System.Linq.Expressions;
using System.Reflection;

namespace AioHttp.Tests;

public class ClientSessionSettingsTests
{
    private static readonly PropertyInfo[] Settings = typeof(ClientSessionOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>A value of the property's type that differs from <paramref name="current"/>.</summary>
    private static object Different(Type type, object? current)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return current as string == "http://changed.example/other/" ? "http://changed2.example/" : "http://changed.example/other/";
        if (t == typeof(int)) return (current is int i ? i : 0) + 7;
        if (t == typeof(long)) return (current is long l ? l : 0) + 7;
        if (t == typeof(bool)) return !(current is true);
        if (t == typeof(TimeSpan)) return (current is TimeSpan ts ? ts : TimeSpan.Zero) + TimeSpan.FromSeconds(7);
        if (t == typeof(Uri)) return new Uri("http://changed.example:3128/");
        if (t == typeof(Version)) return Equals(current, System.Net.HttpVersion.Version20) ? System.Net.HttpVersion.Version11 : System.Net.HttpVersion.Version20;
        if (t == typeof(BasicAuth) || t == typeof(Authenticator)) return new BasicAuth("mallory");
        if (t == typeof(AbstractCookieJar)) return new DummyCookieJar();
        if (t == typeof(IReadOnlyList<int>)) return new[] { 418 };
        if (t == typeof(System.Security.Authentication.SslProtocols))
            return Equals(current, System.Security.Authentication.SslProtocols.Tls13) ? TlsSettings.DefaultProtocols : System.Security.Authentication.SslProtocols.Tls13;
        if (t == typeof(System.Security.SecureString))
        {
            var password = new System.Security.SecureString();
            password.AppendChar('x');
            return password;
        }
        if (t == typeof(System.Security.Cryptography.X509Certificates.X509Certificate2))
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            return new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=changed", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        }
        if (typeof(Delegate).IsAssignableFrom(t))
        {
            // Any signature: a lambda that returns the default of its return type.
            var invoke = t.GetMethod("Invoke")!;
            var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType)).ToArray();
            return Expression.Lambda(t, Expression.Default(invoke.ReturnType), parameters).Compile();
        }
        throw new InvalidOperationException($"Setting {t.Name} has no changed value in this test: add one, so the test covers it.");
    }

    private static ClientSessionOptions Configured() => new()
    {
        BaseUrl = "http://example.com/api/",
        UserAgent = "original-agent",
        Auth = new BasicAuth("alice", "s3cret"),
        Timeout = TimeSpan.FromSeconds(30),
        ReadTimeout = TimeSpan.FromSeconds(5),
        MaxRedirects = 3,
        Headers = { new("X-Token", "old") },
    };

    private static Dictionary<string, object?> Values(ClientSessionOptions options) =>
        Settings.ToDictionary(p => p.Name, p => p.GetValue(options) switch
        {
            System.Collections.IEnumerable list and not string => (object?)string.Join("|", list.Cast<object>()),
            var value => value,
        });

    [Fact]
    public void Changing_any_setting_of_the_options_after_the_session_is_made_changes_nothing()
    {
        var options = Configured();
        options.NameServers.Add("127.0.0.1:53");
        using var session = new ClientSession(options);
        var before = Values(session.Options);
        var jar = session.CookieJar;

        var changed = 0;
        foreach (var setting in Settings)
        {
            if (setting.SetMethod is { IsPublic: true })
            {
                setting.SetValue(options, Different(setting.PropertyType, setting.GetValue(options)));
                changed++;
            }
            else if (setting.GetValue(options) is System.Collections.IList list)
            {
                list.Clear(); // Headers, NameServers
                changed++;
            }
        }
        options.Headers.Add(new("X-Token", "new"));

        Assert.Equal(Settings.Length, changed); // every setting was changed, so a new one is covered too
        Assert.Equal(before, Values(session.Options));
        Assert.Same(jar, session.CookieJar);
        Assert.Equal("http://example.com/api/", session.BaseUrl!.ToString());
        Assert.Equal("127.0.0.1:53", Assert.Single(session.NameServers).ToString());
        // What a request is built from is unchanged too.
        var request = ClientRequest.ForHttp(session, new RequestOptions("items"));
        var fields = new HeaderCollection(request.HeaderFields());
        Assert.Equal("http://example.com/api/items", request.Url.ToString());
        Assert.Equal("old", fields["X-Token"]);
        Assert.Equal("original-agent", fields["User-Agent"]);
        Assert.Equal(new BasicAuth("alice", "s3cret").Encode(), fields["Authorization"]);
    }

    [Fact]
    public void Changing_the_copy_the_sessions_Options_gives_changes_nothing()
    {
        using var session = new ClientSession(Configured());
        var copy = session.Options;
        var before = Values(copy);

        foreach (var setting in Settings.Where(s => s.SetMethod is { IsPublic: true }))
            setting.SetValue(copy, Different(setting.PropertyType, setting.GetValue(copy)));
        copy.Headers.Add(new("X-More", "1"));

        Assert.Equal(before, Values(session.Options));
        Assert.Equal(["X-Token"], session.Headers.Keys);
    }

    [Fact]
    public void SetHeader_replaces_the_headers_of_that_name_in_any_case_and_RemoveHeader_removes_them()
    {
        using var session = new ClientSession(Configured());

        session.SetHeader("x-token", "new");
        session.SetHeader("X-Added", "1");

        Assert.Equal(["x-token", "X-Added"], session.Headers.Keys);
        Assert.Equal(["new"], session.Headers.GetAll("X-Token"));
        Assert.True(session.RemoveHeader("X-ADDED"));
        Assert.False(session.RemoveHeader("X-Added"));
        Assert.Null(session.Headers["X-Added"]);
    }

    [Theory]
    [InlineData("X-Token", "a\r\nInjected: 1")]
    [InlineData("X-Token", "line\nbreak")]
    [InlineData("X-Token", "nul\0")]
    [InlineData("Bad Name", "v")]
    [InlineData("", "v")]
    public void SetHeader_refuses_what_cannot_go_on_the_wire_with_InvalidHeader_and_changes_nothing(string name, string value)
    {
        using var session = new ClientSession(Configured());
        var before = session.Headers;

        var error = Assert.Throws<InvalidHeaderException>(() => session.SetHeader(name, value));

        Assert.Equal("InvalidHeader", error.ErrorId);
        Assert.Same(before, session.Headers);
    }

    [Fact]
    public void The_headers_a_caller_holds_never_change_under_it()
    {
        using var session = new ClientSession(Configured());
        var held = session.Headers;

        session.SetHeader("X-Token", "new");
        session.RemoveHeader("X-Token");

        Assert.Equal("old", held["X-Token"]);
        Assert.Single(held);
    }

    [Fact]
    public void Concurrent_header_changes_are_all_kept()
    {
        using var session = new ClientSession();
        Parallel.For(0, 64, i => session.SetHeader($"X-H{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(64, session.Headers.Count);
        for (var i = 0; i < 64; i++) Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), session.Headers[$"X-H{i}"]);
    }
}
