// A CloudFront Function (cloudfront-js-2.0, viewer-request). The origin request policy cannot
// forward Host to a Lambda Function URL (the URL's own host must reach it for OAC's signature),
// so the host the viewer asked for travels as X-Original-Host. Set on every request and
// overwriting whatever the client sent, so the app can trust it for origin checks and URLs.
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
  return request;
}
