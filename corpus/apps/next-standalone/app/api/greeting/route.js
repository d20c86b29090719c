export const dynamic = "force-dynamic";

export function GET(request) {
  const name = new URL(request.url).searchParams.get("name") || "stranger";
  return Response.json({ greeting: `hello, ${name}` });
}
