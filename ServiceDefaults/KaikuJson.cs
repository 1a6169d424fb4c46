using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kaikukortti.ServiceDefaults;

/// <summary>
/// The platform's JSON conventions: camelCase, enums as kebab-case strings, and strict input —
/// numbers must be numbers and unknown fields are refused rather than silently dropped.
/// </summary>
public static class KaikuJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }
}
