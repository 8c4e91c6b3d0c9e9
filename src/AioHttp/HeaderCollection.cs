using System.Collections;
using System.Collections.Specialized;

namespace AioHttp;

/// <summary>
/// Case-insensitive, multi-valued, order-keeping headers: aiohttp's CIMultiDictProxy.
/// <c>headers["content-type"]</c> gives the first value (null when absent), <see cref="GetAll"/> every value.
/// Enumerated in C# it gives every (name, value) pair in order. It is also a read-only
/// <see cref="IDictionary"/> of one entry per name, so PowerShell treats it like Invoke-WebRequest's
/// headers: <c>$r.Headers.'Content-Type'</c> works (any case), it displays as a Name/Value table and it
/// serialises (Start-Job, Export-Clixml) as a hashtable of name → value (repeated values joined by ", ").
/// </summary>
public sealed class HeaderCollection : IReadOnlyCollection<KeyValuePair<string, string>>, IDictionary
{
    private readonly List<KeyValuePair<string, string>> _items;

    public HeaderCollection() => _items = new List<KeyValuePair<string, string>>();

    public HeaderCollection(IEnumerable<KeyValuePair<string, string>> items) => _items = new List<KeyValuePair<string, string>>(items);

    public int Count => _items.Count;

    /// <summary>The first value of the header, or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var item in _items)
            {
                if (string.Equals(item.Key, name, StringComparison.OrdinalIgnoreCase)) return item.Value;
            }
            return null;
        }
    }

    /// <summary>Every value of the header, in the order received.</summary>
    public string[] GetAll(string name)
    {
        var values = new List<string>();
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, name, StringComparison.OrdinalIgnoreCase)) values.Add(item.Value);
        }
        return values.ToArray();
    }

    public bool ContainsKey(string name) => this[name] is not null;

    /// <summary>Distinct header names, in first-seen order.</summary>
    public IEnumerable<string> Keys => _items.Select(i => i.Key).Distinct(StringComparer.OrdinalIgnoreCase);

    internal void Add(string name, string value) => _items.Add(new KeyValuePair<string, string>(name, value));

    /// <summary>Replaces every value of <paramref name="name"/> with one value.</summary>
    internal void Set(string name, string value)
    {
        Remove(name);
        Add(name, value);
    }

    internal bool Remove(string name) => _items.RemoveAll(i => string.Equals(i.Key, name, StringComparison.OrdinalIgnoreCase)) > 0;

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    // PowerShell enumerates through the non-generic interfaces: one entry per name, as a dictionary must have.
    IEnumerator IEnumerable.GetEnumerator() => ((IDictionary)this).GetEnumerator();

    IDictionaryEnumerator IDictionary.GetEnumerator() => ByName().GetEnumerator();

    /// <summary>One entry per distinct name (first-seen order), its values joined by ", " (RFC 9110 5.3).</summary>
    private OrderedDictionary ByName()
    {
        var table = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Keys) table.Add(name, string.Join(", ", GetAll(name)));
        return table;
    }

    bool IDictionary.IsFixedSize => true;
    bool IDictionary.IsReadOnly => true;
    ICollection IDictionary.Keys => Keys.ToArray();
    ICollection IDictionary.Values => Keys.Select(name => this[name]).ToArray();
    object? IDictionary.this[object key]
    {
        get => key is string name ? this[name] : null;
        set => throw ReadOnly();
    }
    bool IDictionary.Contains(object key) => key is string name && ContainsKey(name);
    void IDictionary.Add(object key, object? value) => throw ReadOnly();
    void IDictionary.Clear() => throw ReadOnly();
    void IDictionary.Remove(object key) => throw ReadOnly();
    bool ICollection.IsSynchronized => false;
    object ICollection.SyncRoot => this;
    void ICollection.CopyTo(Array array, int index) => ((ICollection)ByName()).CopyTo(array, index);

    private static NotSupportedException ReadOnly() =>
        new("These headers are read-only. To send headers, give them to -Headers of Invoke-AioRequest or New-AioSession.");

    public override string ToString() => string.Join("\n", _items.Select(i => $"{i.Key}: {i.Value}"));
}
