import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { packIco, pngSize, readIco } from "./ico";

/** The smallest PNG shape readIco accepts: the signature, then an IHDR with width and height. */
function fakePng(width: number, height: number, filler = 0): Uint8Array {
  const png = new Uint8Array(33).fill(filler);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

describe("packIco and readIco", () => {
  it("round-trip each image with its size, 256 stored as 0", () => {
    const images = [
      { size: 16, png: fakePng(16, 16, 1) },
      { size: 256, png: fakePng(256, 256, 2) },
    ];
    const ico = packIco(images);
    expect([...ico.subarray(0, 6)]).toEqual([0, 0, 1, 0, 2, 0]);
    expect(ico[6 + 16]).toBe(0);
    expect(readIco(ico)).toEqual(images);
  });

  it("refuses sizes an icon cannot have, and files that are not icons", () => {
    expect(() => packIco([{ size: 300, png: fakePng(300, 300) }])).toThrow(/1 to 256/);
    expect(() => readIco(fakePng(16, 16))).toThrow(/Not an .ico/);
    const broken = packIco([{ size: 16, png: fakePng(16, 16) }]);
    expect(() => readIco(broken.subarray(0, broken.length - 4))).toThrow(/past the end/);
  });
});

describe("app/favicon.ico", () => {
  it("holds the icon at 16, 32 and 48 pixels, each a PNG of that size", () => {
    const images = readIco(new Uint8Array(readFileSync("app/favicon.ico")));
    expect(images.map((image) => image.size)).toEqual([16, 32, 48]);
    for (const image of images) {
      expect(pngSize(image.png)).toEqual({ width: image.size, height: image.size });
    }
  });
});
