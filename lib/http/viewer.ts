/**
 * The address of the person behind a request, when known: CloudFront's CloudFront-Viewer-Address
 * ("ip:port", or "[ipv6]:port"), else the first X-Forwarded-For hop. Used to record who stopped a
 * run, never to authorise anything.
 */
export function viewerAddress(request: Request): string | undefined {
  const viewer = request.headers.get("cloudfront-viewer-address");
  if (viewer) {
    const ipv6 = /^\[([^\]]+)\]/.exec(viewer);
    if (ipv6?.[1]) return ipv6[1];
    const colon = viewer.lastIndexOf(":");
    return colon > 0 ? viewer.slice(0, colon) : viewer;
  }
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined;
}
