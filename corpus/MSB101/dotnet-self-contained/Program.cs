var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddHostedService<Beat>();
builder.Build().Run();

class Beat(ILogger<Beat> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            log.LogInformation("beat");
            await Task.Delay(1000, stop);
        }
    }
}
