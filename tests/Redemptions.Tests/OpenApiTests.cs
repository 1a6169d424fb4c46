using System.Net;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Redemptions.Tests;

public sealed class OpenApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private RedemptionsService service = null!;

    public async ValueTask InitializeAsync() => service = await RedemptionsService.StartAsync(postgres, rabbitMq);

    public async ValueTask DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task Every_redemptions_operation_is_named_and_summarized_with_its_refusals()
    {
        using var client = service.Factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).ShouldBeJsonAsync(HttpStatusCode.OK);

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, operation.Value)))
            .ToList();
        operations.Select(o => o.Value.GetProperty("operationId").GetString()).ShouldBe(["RecordUse", "RecordUses", "ImportUses", "CancelUse", "GetUseTotals", "ListUses"], ignoreOrder: true);
        operations.Where(o => !o.Value.TryGetProperty("summary", out _)).ShouldBeEmpty();
        var record = operations.Single(o => o.Path == "/api/redemptions" && o.Value.GetProperty("operationId").GetString() == "RecordUse").Value;
        record.GetProperty("responses").TryGetProperty("422", out _).ShouldBeTrue();
        record.GetProperty("description").GetString()!.ShouldContain("quota-exhausted");
        var import = operations.Single(o => o.Path == "/api/redemptions/import").Value;
        import.GetProperty("operationId").GetString().ShouldBe("ImportUses");
        import.GetProperty("responses").TryGetProperty("403", out _).ShouldBeTrue();
    }
}
