using Kaikukortti.Identity.Domain;
using Kaikukortti.ServiceDefaults.Auth;

namespace Kaikukortti.Identity.Tests;

/// <summary>Who may create which client with which scope — without I/O.</summary>
public sealed class ClientRegistrationTests
{
    private static readonly Guid SeinajokiVenue = Guid.NewGuid();
    private static readonly Guid LapuaVenue = Guid.NewGuid();
    private static readonly Guid OuluVenue = Guid.NewGuid();
    private static readonly Guid SeinajokiDistributor = Guid.NewGuid();
    private static readonly Facts Known = new();
    private static readonly SiteClient Admin = new("admin", Roles.NationalAdmin, null, null, []);
    private static readonly SiteClient SeinajokiCoordinator = new("coordinator", Roles.AreaCoordinator, "seinajoki", null, []);

    private sealed class Facts : IScopeFacts
    {
        public bool AreaExists(string areaCode) => areaCode is "seinajoki" or "oulu";
        public string? AreaOfVenue(Guid venueId) => venueId == SeinajokiVenue || venueId == LapuaVenue ? "seinajoki" : venueId == OuluVenue ? "oulu" : null;
        public string? AreaOfDistributor(Guid distributorId) => distributorId == SeinajokiDistributor ? "seinajoki" : null;
    }

    private static ClientRequest Request(string role, string? area = null, Guid? distributor = null, params Guid[] venues) =>
        new("Some site", role, area, distributor, venues);

    private static SiteClient Created(ClientRequest request, SiteClient? creator = null) =>
        ClientRegistration.Check(request, creator ?? Admin, Known, "new-client").Value.ShouldNotBeNull();

    private static string Refused(ClientRequest request, SiteClient? creator = null) =>
        ClientRegistration.Check(request, creator ?? Admin, Known, "new-client").Error.ShouldNotBeNull().Code;

    [Fact]
    public void Each_role_gets_its_own_scope_and_the_area_follows_from_the_site()
    {
        Created(Request(Roles.NationalAdmin)).ShouldBe(new SiteClient("new-client", Roles.NationalAdmin, null, null, []), new ClientComparer());
        Created(Request(Roles.AreaCoordinator, " Seinajoki ")).AreaCode.ShouldBe("seinajoki");
        Created(Request(Roles.Statistics)).AreaCode.ShouldBeNull();
        Created(Request(Roles.Statistics, "oulu")).AreaCode.ShouldBe("oulu");
        var distributor = Created(Request(Roles.Distributor, distributor: SeinajokiDistributor));
        (distributor.AreaCode, distributor.DistributorId).ShouldBe(("seinajoki", SeinajokiDistributor));
        var venue = Created(Request(Roles.Venue, venues: OuluVenue));
        (venue.AreaCode, venue.VenueIds.Single()).ShouldBe(("oulu", OuluVenue));
        Created(Request(Roles.Partner, venues: [SeinajokiVenue, LapuaVenue])).AreaCode.ShouldBe("seinajoki");
    }

    [Fact]
    public void A_partner_across_areas_belongs_to_no_area_and_only_a_national_admin_creates_it()
    {
        Created(Request(Roles.Partner, venues: [SeinajokiVenue, OuluVenue])).AreaCode.ShouldBeNull();
        Refused(Request(Roles.Partner, venues: [SeinajokiVenue, OuluVenue]), SeinajokiCoordinator).ShouldBe("client-scope-outside-area");
    }

    [Theory]
    [InlineData(null, "client-name-required")]
    [InlineData("  ", "client-name-required")]
    public void A_client_needs_a_name(string? name, string code) =>
        Refused(Request(Roles.Statistics) with { Name = name }).ShouldBe(code);

    [Fact]
    public void An_overlong_name_is_refused() =>
        Refused(Request(Roles.Statistics) with { Name = new string('x', ClientRegistration.MaxNameLength + 1) }).ShouldBe("name-too-long");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("superuser")]
    [InlineData("Venue")]
    public void An_unknown_role_is_refused(string? role) => Refused(Request(Roles.Venue) with { Role = role }).ShouldBe("client-role-invalid");

    [Fact]
    public void Scope_fields_that_do_not_belong_to_the_role_are_refused()
    {
        Refused(Request(Roles.NationalAdmin, "seinajoki")).ShouldBe("client-scope-invalid");
        Refused(Request(Roles.AreaCoordinator, "seinajoki", venues: SeinajokiVenue)).ShouldBe("client-scope-invalid");
        Refused(Request(Roles.Distributor, distributor: SeinajokiDistributor, venues: SeinajokiVenue)).ShouldBe("client-scope-invalid");
        Refused(Request(Roles.Venue, distributor: SeinajokiDistributor, venues: SeinajokiVenue)).ShouldBe("client-scope-invalid");
    }

    [Fact]
    public void Each_role_needs_its_scope()
    {
        Refused(Request(Roles.AreaCoordinator)).ShouldBe("client-area-required");
        Refused(Request(Roles.Distributor)).ShouldBe("client-distributor-required");
        Refused(Request(Roles.Venue)).ShouldBe("client-venues-invalid");
        Refused(Request(Roles.Venue, venues: [SeinajokiVenue, LapuaVenue])).ShouldBe("client-venues-invalid");
        Refused(Request(Roles.Partner)).ShouldBe("client-venues-invalid");
    }

    [Fact]
    public void The_scope_must_exist_and_agree_with_a_given_area()
    {
        Refused(Request(Roles.AreaCoordinator, "atlantis")).ShouldBe("area-unknown");
        Refused(Request(Roles.Venue, venues: Guid.NewGuid())).ShouldBe("venue-unknown");
        Refused(Request(Roles.Distributor, distributor: Guid.NewGuid())).ShouldBe("distributor-unknown");
        Refused(Request(Roles.Venue, "oulu", venues: SeinajokiVenue)).ShouldBe("client-area-mismatch");
        Created(Request(Roles.Venue, "SEINAJOKI", venues: SeinajokiVenue)).AreaCode.ShouldBe("seinajoki");
    }

    [Fact]
    public void A_coordinator_creates_site_clients_only_inside_its_own_area()
    {
        Created(Request(Roles.Venue, venues: SeinajokiVenue), SeinajokiCoordinator).AreaCode.ShouldBe("seinajoki");
        Created(Request(Roles.Distributor, distributor: SeinajokiDistributor), SeinajokiCoordinator).AreaCode.ShouldBe("seinajoki");
        Created(Request(Roles.Statistics, "seinajoki"), SeinajokiCoordinator).AreaCode.ShouldBe("seinajoki");

        Refused(Request(Roles.Venue, venues: OuluVenue), SeinajokiCoordinator).ShouldBe("client-scope-outside-area");
        Refused(Request(Roles.Statistics), SeinajokiCoordinator).ShouldBe("client-scope-outside-area");
        Refused(Request(Roles.AreaCoordinator, "seinajoki"), SeinajokiCoordinator).ShouldBe("client-role-not-allowed");
        Refused(Request(Roles.NationalAdmin), SeinajokiCoordinator).ShouldBe("client-role-not-allowed");
    }

    [Fact]
    public void A_coordinator_manages_only_the_site_clients_of_its_area()
    {
        var venue = new SiteClient("v", Roles.Venue, "seinajoki", null, [SeinajokiVenue]);
        ClientRegistration.Manages(SeinajokiCoordinator, venue).ShouldBeTrue();
        ClientRegistration.Manages(SeinajokiCoordinator, venue with { AreaCode = "oulu" }).ShouldBeFalse();
        ClientRegistration.Manages(SeinajokiCoordinator, SeinajokiCoordinator with { ClientId = "other" }).ShouldBeFalse();
        ClientRegistration.Manages(Admin, SeinajokiCoordinator).ShouldBeTrue();
        ClientRegistration.Manages(venue, venue).ShouldBeFalse();
    }

    private sealed class ClientComparer : IEqualityComparer<SiteClient>
    {
        public bool Equals(SiteClient? x, SiteClient? y) =>
            x is not null && y is not null && (x.ClientId, x.Role, x.AreaCode, x.DistributorId) == (y.ClientId, y.Role, y.AreaCode, y.DistributorId) && x.VenueIds.SequenceEqual(y.VenueIds);

        public int GetHashCode(SiteClient obj) => obj.ClientId.GetHashCode();
    }
}
