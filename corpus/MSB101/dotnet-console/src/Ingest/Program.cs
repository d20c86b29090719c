using System.Globalization;

var culture = CultureInfo.GetCultureInfo(Environment.GetEnvironmentVariable("REPORT_CULTURE") ?? "de-DE");
foreach (var path in args)
{
    var lines = File.ReadLines(path).Count();
    Console.WriteLine(string.Format(culture, "{0}: {1:N0} lines", path, lines));
}
