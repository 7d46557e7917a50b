/**
 * Makes `app/favicon.ico` from `app/icon.svg`, the one drawing of the icon: Chromium renders the
 * SVG at 16, 32 and 48 pixels and the PNGs are packed into an .ico. Browsers use the SVG through
 * `<link rel="icon">`; the .ico is for everything that asks for /favicon.ico by name. Run it after
 * changing the SVG: `node scripts/make-favicon.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./browser/chromium.ts";
import { packIco } from "./favicon/ico.ts";

const SIZES = [16, 32, 48];
const svg = readFileSync("app/icon.svg", "utf8");

const found = findChromium({
  chromiumPathEnv: process.env.CHROMIUM_PATH || undefined,
  exists: existsSync,
  playwrightManagedPath: chromium.executablePath(),
});
const browser = await chromium.launch({
  executablePath: found.kind === "system" ? found.path : undefined,
  args: CHROMIUM_ARGS,
});
try {
  const images = [];
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    const png = await page.locator("svg").screenshot({ omitBackground: true });
    images.push({ size, png: new Uint8Array(png) });
    await page.close();
  }
  writeFileSync("app/favicon.ico", packIco(images));
  console.log(`app/favicon.ico: ${SIZES.join(", ")} px`);
} finally {
  await browser.close();
}
