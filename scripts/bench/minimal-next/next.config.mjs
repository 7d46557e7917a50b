// The cold-start reference: the smallest Next.js standalone app, built by `npm run bench:cold-start`
// into .bench/minimal-next and started from the same runner layout as the app.
/** @type {import('next').NextConfig} */
export default { output: "standalone", compress: false, poweredByHeader: false };
