namespace AioHttp;

/// <summary>
/// Case-insensitive, multi-valued, order-keeping headers: aiohttp's CIMultiDictProxy.
/// <c>headers["content-type"]</c> gives the first value (null when absent), <see cref="GetAll"/> every value.
/// </summary>
public sealed class HeaderCollection : IEnumerable<KeyValuePair<string, string>>
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

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join("\n", _items.Select(i => $"{i.Key}: {i.Value}"));
}
