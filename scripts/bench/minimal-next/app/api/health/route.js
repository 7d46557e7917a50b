export const dynamic = "force-dynamic";

/** The readiness path, as the app's: 200 and a small JSON body. */
export function GET() {
  return Response.json({ ok: true });
}
