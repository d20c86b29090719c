/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "standalone",
  // the self-test preload (see selftest.cjs) ships with the standalone server
  outputFileTracingIncludes: { "/*": ["./selftest.cjs"] },
};

export default nextConfig;
