using Microsoft.AspNetCore.Mvc;

namespace TodoApi.Controllers;

[ApiController]
[Route("api/[controller]")]
public class TodoController : ControllerBase
{
    private static readonly List<string> Items = ["write the docs", "ship it"];

    [HttpGet]
    public IEnumerable<string> Get() => Items;
}
