var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/", () => Shop.Core.Catalog.Count);
app.Run();
