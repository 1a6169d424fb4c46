using System.Text.Json;

namespace Kaikukortti.ServiceDefaults.Tests;

public sealed class KaikuJsonTests
{
    public sealed record Name(string? Fi);

    public sealed record Request(string? Title, IReadOnlyList<string?>? Municipalities, Name? Name, IReadOnlyList<Name>? Names);

    [Theory]
    [InlineData("""{"title":"Joulu\u0000konsertti"}""")]
    [InlineData("""{"municipalities":["Joensuu","Outo\u0000kumpu"]}""")]
    [InlineData("""{"name":{"fi":"\u0000"}}""")]
    [InlineData("""{"names":[{"fi":"Joensuu"},{"fi":"Lieksa\u0000"}]}""")]
    public void Text_with_a_NUL_character_is_refused_wherever_it_is(string json) =>
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Request>(json, KaikuJson.Options)).Message.ShouldContain("U+0000");

    [Fact]
    public void Text_without_one_reads_as_before()
    {
        var read = JsonSerializer.Deserialize<Request>("""{"title":"Joulukonsertti","municipalities":["Joensuu",null],"name":{"fi":"Jäähalli"},"names":[]}""", KaikuJson.Options)!;

        read.Title.ShouldBe("Joulukonsertti");
        read.Municipalities.ShouldBe(["Joensuu", null]);
        read.Name.ShouldBe(new Name("Jäähalli"));
    }
}
