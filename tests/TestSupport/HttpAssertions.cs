using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kaikukortti.TestSupport;

public static class HttpAssertions
{
    /// <summary>Asserts an RFC 9457 problem with the given status and stable code, and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status) throw new InvalidOperationException($"Expected {(int)status} {code} but got {(int)response.StatusCode}: {body}");
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            throw new InvalidOperationException($"Expected application/problem+json but got {response.Content.Headers.ContentType}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        var actual = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        if (actual != code) throw new InvalidOperationException($"Expected problem code {code} but got {actual}: {body}");
        return problem;
    }

    public static async Task<JsonElement> ShouldBeJsonAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status) throw new InvalidOperationException($"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PostRawJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T body) => client.PostAsJsonAsync(path, body);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string path, T body) => client.PutAsJsonAsync(path, body);
}
