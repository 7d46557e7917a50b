// A CloudFront Function (cloudfront-js-2.0, viewer-request). The origin request policy cannot
// forward Host to a Lambda Function URL (the URL's own host must reach it for OAC's signature),
// so the host the viewer asked for travels as X-Original-Host. Nor does that policy forward
// CloudFront's own viewer headers, so the viewer's IP address travels as X-Viewer-Address (the
// app's per-address run limit). Both are set on every request, overwriting whatever the client
// sent, so the app can trust them.
// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls `handler` by name.
function handler(event) {
  var request = event.request;
  var host = request.headers.host;
  // biome-ignore lint/complexity/useOptionalChain: plain ES5 checks suit every CloudFront runtime.
  if (host && host.value) {
    request.headers["x-original-host"] = { value: host.value };
  } else {
    delete request.headers["x-original-host"];
  }
  // biome-ignore lint/complexity/useOptionalChain: plain ES5 checks suit every CloudFront runtime.
  if (event.viewer && event.viewer.ip) {
    request.headers["x-viewer-address"] = { value: event.viewer.ip };
  } else {
    delete request.headers["x-viewer-address"];
  }
  return request;
}
