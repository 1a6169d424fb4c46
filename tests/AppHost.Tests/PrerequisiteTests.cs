using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

namespace Kaikukortti.AppHost.Tests;

public sealed class PrerequisiteTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Missing_PostgreSQL_says_how_to_install_it()
    {
        var error = await Should.ThrowAsync<PrerequisiteMissingException>(() => PostgresServer.StartAsync(new PostgresServerOptions
        {
            DataDirectory = Path.Combine(_directory.Path, "postgres"),
            Tools = new ToolPaths { PostgresBinDirectory = "/nowhere/bin" },
        }));

        error.Message.ShouldBe(
            "PostgreSQL 15 is not installed (/nowhere/bin/postgres not found). "
            + "Install it with: apt-get install -y postgresql-15 — or run scripts/prerequisites.sh");
    }

    [Fact]
    public async Task Missing_RabbitMQ_says_how_to_install_it()
    {
        var error = await Should.ThrowAsync<PrerequisiteMissingException>(() => RabbitMqServer.StartAsync(new RabbitMqServerOptions
        {
            DataDirectory = Path.Combine(_directory.Path, "rabbitmq"),
            Tools = new ToolPaths { RabbitMqServer = "/nowhere/rabbitmq-server" },
        }));

        error.Message.ShouldBe(
            "RabbitMQ is not installed (/nowhere/rabbitmq-server not found). "
            + "Install it with: apt-get install -y rabbitmq-server — or run scripts/prerequisites.sh");
    }

    [Fact]
    public async Task The_system_lists_everything_missing_before_starting_anything()
    {
        var childrenBefore = ProcessTable.ChildrenOf(Environment.ProcessId);

        var error = await Should.ThrowAsync<PrerequisiteMissingException>(() => KaikuSystem.StartAsync(new KaikuSystemOptions
        {
            DataDirectory = _directory.Path,
            Tools = new ToolPaths
            {
                PostgresBinDirectory = "/nowhere/bin",
                RabbitMqServer = "/nowhere/rabbitmq-server",
                Epmd = "/nowhere/epmd",
                Dotnet = "/nowhere/dotnet",
            },
        }));

        error.Message.ShouldContain("PostgreSQL 15 is not installed (/nowhere/bin/postgres not found)");
        error.Message.ShouldContain("RabbitMQ is not installed (/nowhere/rabbitmq-server not found)");
        error.Message.ShouldContain("Erlang's epmd is not installed (/nowhere/epmd not found)");
        error.Message.ShouldContain("The dotnet host was not found (/nowhere/dotnet)");
        ProcessTable.ChildrenOf(Environment.ProcessId).ShouldBe(childrenBefore);
    }

    [Fact]
    public async Task External_servers_need_no_local_installation()
    {
        var error = await Should.ThrowAsync<PrerequisiteMissingException>(() => KaikuSystem.StartAsync(new KaikuSystemOptions
        {
            DataDirectory = _directory.Path,
            PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=postgres",
            RabbitMqConnectionString = "amqp://guest:guest@127.0.0.1:1/",
            Tools = new ToolPaths
            {
                PostgresBinDirectory = "/nowhere/bin",
                RabbitMqServer = "/nowhere/rabbitmq-server",
                Epmd = "/nowhere/epmd",
                Dotnet = "/nowhere/dotnet",
            },
        }));

        error.Message.ShouldBe("The dotnet host was not found (/nowhere/dotnet). Install the .NET 10 SDK — or run scripts/prerequisites.sh");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _directory.DisposeAsync();
}
