// aiohttp's params: a mapping or a list of pairs becomes key=value&key=value, each key and value
// fully quoted (yarl's QUERY_PART_QUOTER); a string is quoted with the query rules ('+' kept).
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace AioHttp;

internal static class QueryBuilder
{
    /// <summary>Encode pairs; a value that is a list (not a string) repeats the key, an empty list adds nothing.</summary>
    public static string Build(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sb = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (key is null) throw new ArgumentException("A query parameter name is $null; every parameter needs a name.");
            if (value is not string && value is IEnumerable list)
            {
                foreach (var item in list)
                {
                    if (item is not string && item is IEnumerable and not null)
                        throw new ArgumentException(
                            $"Query parameter '{key}': a list value may only hold strings and numbers, not nested lists.");
                    Append(sb, key, FormatValue(key, item));
                }
            }
            else
            {
                Append(sb, key, FormatValue(key, value));
            }
        }
        return sb.ToString();
    }

    /// <summary>A query given as one string: '%' and non-ASCII escaped, space to '+', '+', '&amp;', '=' and ';' kept.</summary>
    public static string FromString(string query) => UrlQuoter.QueryQuoter.Quote(query);

    private static void Append(StringBuilder sb, string key, string value)
    {
        if (sb.Length > 0) sb.Append('&');
        sb.Append(UrlQuoter.QueryPartQuoter.Quote(key)).Append('=').Append(UrlQuoter.QueryPartQuoter.Quote(value));
    }

    /// <summary>The text of one value, as yarl's query_var makes it (floats as Python's repr).</summary>
    public static string FormatValue(string key, object? value)
    {
        switch (value)
        {
            case null:
                throw new ArgumentException(
                    $"Query parameter '{key}' is $null, and aiohttp refuses None as a query value: " +
                    "pass '' for an empty value, or leave the parameter out.");
            case bool b:
                throw new ArgumentException(
                    $"Query parameter '{key}' is ${(b ? "true" : "false")}, and aiohttp refuses bool query values: " +
                    $"$true/$false are not allowed, pass '{(b ? "true" : "false")}' (or '{(b ? 1 : 0)}') as a string.");
            case string s:
                return s;
            case char c:
                return c.ToString();
            case double d:
                return FormatFloat(key, d, d.ToString("R", CultureInfo.InvariantCulture));
            case float f:
                return FormatFloat(key, f, f.ToString("R", CultureInfo.InvariantCulture));
            case Half h:
                return FormatFloat(key, (double)h, h.ToString("R", CultureInfo.InvariantCulture));
            case decimal m:
                return m.ToString(CultureInfo.InvariantCulture);
            case Enum e:
                return Convert.ToDecimal(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            case sbyte or byte or short or ushort or int or uint or long or ulong or nint or nuint or BigInteger or Int128 or UInt128:
                return ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
            default:
                throw new ArgumentException(
                    $"Query parameter '{key}' has a value of type {value.GetType().FullName}; " +
                    "a query value must be a string or a number (or a list of them).");
        }
    }

    /// <summary>
    /// Python's repr(float): the shortest digits that round-trip, fixed notation when the decimal
    /// exponent is in [-4, 16), else d.ddde+XX; a whole number gets ".0".
    /// </summary>
    internal static string FormatFloat(string key, double value, string roundTrip)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new ArgumentException(
                $"Query parameter '{key}' is {(double.IsNaN(value) ? "NaN" : "infinite")}, which aiohttp refuses as a query value.");
        var negative = double.IsNegative(value);
        if (value == 0) return negative ? "-0.0" : "0.0";

        var s = roundTrip.TrimStart('-');
        var exp = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var dot = s.IndexOf('.');
        var intPart = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? "" : s[(dot + 1)..];
        var digits = intPart + frac;
        var decpt = intPart.Length + exp;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0) sb.Append("0.").Append('0', -decpt).Append(digits);
            else if (decpt >= digits.Length) sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            else sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            var x = decpt - 1;
            sb.Append('e').Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
