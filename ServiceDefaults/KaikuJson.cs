using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Kaikukortti.ServiceDefaults;

/// <summary>
/// The platform's JSON conventions: camelCase, enums as kebab-case strings, and strict input —
/// numbers must be numbers, unknown fields are refused rather than silently dropped, and text holds no NUL character.
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
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(RefuseNulInText);
        return options;
    }

    /// <summary>
    /// PostgreSQL cannot store U+0000 in text: refused while reading, it is a 400 before anything is done, instead of a 500
    /// from the database (in a batch, after the items before it were stored). A check after reading rather than a string
    /// converter, which would leave every string untyped in the OpenAPI documents.
    /// </summary>
    private static void RefuseNulInText(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        var texts = type.Properties
            .Where(p => p.Get is not null && (p.PropertyType == typeof(string) || typeof(IEnumerable<string>).IsAssignableFrom(p.PropertyType)))
            .ToList();
        if (texts.Count == 0) return;
        var next = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            foreach (var property in texts)
            {
                // Every request body passes here: look at the text without allocating.
                var hasNul = property.Get!(value) switch
                {
                    string one => one.Contains('\0'),
                    IEnumerable<string?> many => many.Any(t => t?.Contains('\0') == true),
                    _ => false,
                };
                if (hasNul) throw new JsonException($"The field {property.Name} contains the NUL character (U+0000).");
            }
            next?.Invoke(value);
        };
    }
}
