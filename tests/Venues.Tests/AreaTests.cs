using Kaikukortti.Venues.Domain;

namespace Kaikukortti.Venues.Tests;

/// <summary>The area rules, without I/O.</summary>
public sealed class AreaTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly LocalizedName Name = new("Seinäjoki", "Seinäjoki", null);

    [Fact]
    public void A_valid_area_is_registered_with_a_normalized_code_and_trimmed_municipalities()
    {
        var area = Area.Register(" Etela-Pohjanmaa ", Name, [" Seinäjoki", "Lapua "], " Etelä-Pohjanmaan hyvinvointialue ", Now).Value!;

        area.Code.ShouldBe("etela-pohjanmaa");
        area.Municipalities.ShouldBe(["Seinäjoki", "Lapua"]);
        area.WelfareRegion.ShouldBe("Etelä-Pohjanmaan hyvinvointialue");
        area.RegisteredAt.ShouldBe(Now);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("has space")]
    [InlineData("ääkköset")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("under_score")]
    [InlineData("a-code-that-is-far-too-long-for-anyone-to-type")]
    public void An_invalid_code_is_refused(string? code) =>
        Area.Register(code, Name, ["Seinäjoki"], null, Now).Error!.Code.ShouldBe("area-code-invalid");

    [Fact]
    public void An_area_needs_a_municipality() =>
        Area.Register("seinajoki", Name, [], null, Now).Error!.Code.ShouldBe("area-municipalities-required");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_municipality_is_refused(string municipality) =>
        Area.Register("seinajoki", Name, ["Seinäjoki", municipality], null, Now).Error!.Code.ShouldBe("municipality-invalid");

    [Fact]
    public void A_municipality_listed_twice_is_refused()
    {
        var error = Area.Register("seinajoki", Name, ["Seinäjoki", "Lapua", "seinäjoki"], null, Now).Error!;

        error.Code.ShouldBe("municipality-duplicate");
        error.Args.ShouldBe(["Seinäjoki"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_name_needs_finnish(string? fi) =>
        LocalizedName.From(fi, "Seinäjoki", "Seinäjoki", "area").Error!.Code.ShouldBe("area-name-required");

    [Fact]
    public void Optional_translations_that_are_blank_are_left_out() =>
        LocalizedName.From(" Seinäjoki ", " ", null, "area").Value.ShouldBe(new LocalizedName("Seinäjoki", null, null));

    [Fact]
    public void An_overlong_name_is_refused() =>
        LocalizedName.From("Seinäjoki", null, new string('x', LocalizedName.MaxLength + 1), "area").Error!.Code.ShouldBe("name-too-long");
}
