// Bundles src/main.js into dist/assets/app.js and copies public/ to dist/.
import { build } from "esbuild";
import { cpSync, mkdirSync } from "node:fs";

mkdirSync("dist/assets", { recursive: true });
cpSync("public", "dist", { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outfile: "dist/assets/app.js",
});
console.log("built dist/");
